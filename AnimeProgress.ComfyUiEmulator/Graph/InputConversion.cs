using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Json;
using AnimeProgress.ComfyUiEmulator.NodeCatalog;

namespace AnimeProgress.ComfyUiEmulator.Graph;

/// <summary>
/// Converts a literal input the way ComfyUI's validation does with int()/float()/str()/bool(),
/// including Python's error texts, so "steps": "20" is accepted and stored as 20.
/// </summary>
internal static class InputConversion
{
    public static bool TryConvert(InputKind kind, JsonNode? value, out JsonNode? converted, out string error)
    {
        error = "";
        converted = value?.DeepClone();
        switch (kind)
        {
            case InputKind.Int:
                return ToInt(value, out converted, out error);
            case InputKind.Float:
                return ToFloat(value, out converted, out error);
            case InputKind.String:
                converted = PyJson.Str(value);
                return true;
            case InputKind.Boolean:
                converted = PyJson.Truthy(value);
                return true;
            default:
                return true;
        }
    }

    private static bool ToInt(JsonNode? value, out JsonNode? converted, out string error)
    {
        converted = null;
        error = "";
        switch (value)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                var text = v.ToJsonString();
                if (!text.Contains('.', StringComparison.Ordinal) && !text.Contains('e', StringComparison.OrdinalIgnoreCase))
                {
                    // Already an integer, possibly beyond a long (seeds reach 2^64−1).
                    converted = v.DeepClone();
                    return true;
                }
                if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                {
                    converted = JsonValue.Create(decimal.Truncate(d));
                    return true;
                }
                error = "cannot convert float infinity to integer";
                return false;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var s = v.GetValue<string>().Trim().Replace("_", "", StringComparison.Ordinal);
                if (decimal.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
                {
                    converted = JsonValue.Create(parsed);
                    return true;
                }
                error = $"invalid literal for int() with base 10: {PyJson.Repr(v)}";
                return false;
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                converted = v.GetValueKind() == JsonValueKind.True ? 1 : 0;
                return true;
            default:
                error = $"int() argument must be a string, a bytes-like object or a real number, not '{PythonTypeName(value)}'";
                return false;
        }
    }

    private static bool ToFloat(JsonNode? value, out JsonNode? converted, out string error)
    {
        converted = null;
        error = "";
        switch (value)
        {
            case JsonValue v when PyJson.TryGetDouble(v, out var d):
                converted = PyJson.Float(d);
                return true;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                if (double.TryParse(v.GetValue<string>().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                {
                    converted = PyJson.Float(parsed);
                    return true;
                }
                error = $"could not convert string to float: {PyJson.Repr(v)}";
                return false;
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                converted = PyJson.Float(v.GetValueKind() == JsonValueKind.True ? 1 : 0);
                return true;
            default:
                error = $"float() argument must be a string or a real number, not '{PythonTypeName(value)}'";
                return false;
        }
    }


    private static string PythonTypeName(JsonNode? value) => value switch
    {
        null => "NoneType",
        JsonObject => "dict",
        JsonArray => "list",
        _ => "str",
    };

    /// <summary>Numeric comparison of two JSON numbers (decimal first, so 2^64−1 compares exactly).</summary>
    public static int Compare(JsonNode left, JsonNode right)
    {
        var l = left.ToJsonString();
        var r = right.ToJsonString();
        if (decimal.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out var dl)
            && decimal.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out var dr))
        {
            return dl.CompareTo(dr);
        }
        return double.Parse(l, NumberStyles.Float, CultureInfo.InvariantCulture)
            .CompareTo(double.Parse(r, NumberStyles.Float, CultureInfo.InvariantCulture));
    }
}
