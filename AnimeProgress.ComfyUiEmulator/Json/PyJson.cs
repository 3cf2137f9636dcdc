using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AnimeProgress.ComfyUiEmulator.Json;

/// <summary>
/// JSON the way ComfyUI (Python) writes it. Python keeps ints and floats apart on the wire
/// ("1.0" vs "1"), and clients may care, so floats are carried as decimals with a scale.
/// </summary>
internal static class PyJson
{
    // Python's json.dumps leaves ' and + alone; the relaxed encoder does too (it is only ever sent, never embedded in HTML).
    private static readonly JsonSerializerOptions WireOptions = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A Python float: 1 becomes 1.0 on the wire, 0.25 stays 0.25.</summary>
    public static JsonNode Float(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || Math.Abs(value) > 1e15)
        {
            return JsonValue.Create(value);
        }
        var d = (decimal)value;
        return JsonValue.Create(d == decimal.Truncate(d) ? decimal.Truncate(d) + 0.0m : d);
    }

    public static byte[] Serialize(JsonNode? node) => JsonSerializer.SerializeToUtf8Bytes(node, WireOptions);

    /// <summary>Python's json.dumps layout (", " and ": " separators), used inside binary preview headers.</summary>
    public static string Dumps(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray a => "[" + string.Join(", ", a.Select(Dumps)) + "]",
        JsonObject o => "{" + string.Join(", ", o.Select(p => JsonSerializer.Serialize(p.Key) + ": " + Dumps(p.Value))) + "}",
        _ => node.ToJsonString(),
    };

    public static long NowMilliseconds() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A JSON string array.</summary>
    public static JsonArray Strings(IEnumerable<string> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add(value);
        }
        return array;
    }

    /// <summary>True when the node is a JSON number with no fractional part written as an integer.</summary>
    public static bool IsInteger(JsonNode? node, out long value)
    {
        value = 0;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }
        if (v.TryGetValue(out long l))
        {
            value = l;
            return true;
        }
        if (v.TryGetValue(out int i))
        {
            value = i;
            return true;
        }
        var text = v.ToJsonString();
        return !text.Contains('.', StringComparison.Ordinal) && !text.Contains('e', StringComparison.OrdinalIgnoreCase)
            && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryGetDouble(JsonNode? node, out double value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Python's repr() of a JSON value, used where ComfyUI formats values into messages.</summary>
    public static string Repr(JsonNode? node) => node switch
    {
        null => "None",
        JsonArray a => "[" + string.Join(", ", a.Select(Repr)) + "]",
        JsonObject o => "{" + string.Join(", ", o.Select(p => "'" + p.Key + "': " + Repr(p.Value))) + "}",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "'" + v.GetValue<string>() + "'",
            JsonValueKind.True => "True",
            JsonValueKind.False => "False",
            JsonValueKind.Number => NumberRepr(v),
            _ => v.ToJsonString(),
        },
        _ => node.ToJsonString(),
    };

    /// <summary>Python's str(): like repr but strings are bare.</summary>
    public static string Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : Repr(node);

    private static string NumberRepr(JsonValue v)
    {
        var text = v.ToJsonString();
        if (IsInteger(v, out var l) && !text.Contains('.', StringComparison.Ordinal))
        {
            return l.ToString(CultureInfo.InvariantCulture);
        }
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('e', StringComparison.OrdinalIgnoreCase)
            ? text.Replace("E", "e", StringComparison.Ordinal)
            : text + ".0";
    }

    /// <summary>Python truthiness of a JSON value (request flags such as "front" and "clear", BOOLEAN inputs).</summary>
    public static bool Truthy(JsonNode? value) => value switch
    {
        null => false,
        JsonObject o => o.Count > 0,
        JsonArray a => a.Count > 0,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.String => v.GetValue<string>().Length > 0,
            JsonValueKind.Number => TryGetDouble(v, out var d) && d != 0,
            _ => false,
        },
        _ => false,
    };
}
