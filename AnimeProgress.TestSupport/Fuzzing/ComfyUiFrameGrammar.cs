using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace AnimeProgress.TestSupport.Fuzzing;

/// <summary>
/// A grammar of ComfyUI WebSocket frames (reference §2): every message type the server sends, with values drawn
/// from the prompt ids and node ids a test tracks, then damaged by one rule: truncated, a field of the wrong type,
/// a duplicate key, nesting past any sane depth, a huge string, invalid UTF-8, or a binary frame with any type
/// byte. The tests and the Bench's fuzz command share it, so both drive the real connection with the same input.
/// </summary>
public sealed class ComfyUiFrameGrammar(IReadOnlyList<string> promptIds, int hugeStringLength = 1 << 20)
{
    private static readonly string[] Types =
    [
        "status", "execution_start", "execution_cached", "executing", "progress", "progress_state", "executed",
        "execution_success", "execution_error", "execution_interrupted", "feature_flags", "logs", "crystools.monitor",
    ];

    private static readonly string[] Shapes = ["valid", "truncated", "wrong_type", "duplicate_key", "deep", "huge_string", "invalid_utf8", "binary"];

    public static IReadOnlyList<string> AllShapes => Shapes;

    public GeneratedFrame Next(Random random)
    {
        var shape = Shapes[random.Next(Shapes.Length)];
        return shape switch
        {
            "valid" => Text(Message(random, Types[random.Next(Types.Length)], random), shape),
            "truncated" => Truncated(random),
            "wrong_type" => Text(WrongType(random), shape),
            "duplicate_key" => Text(DuplicateKey(random), shape),
            "deep" => Text(Deep(random), shape),
            "huge_string" => Text(Huge(random), shape),
            "invalid_utf8" => InvalidUtf8(random),
            _ => Binary(random),
        };
    }

    /// <summary>A well-formed message of <paramref name="type"/> about one of the tracked prompts.</summary>
    public string Message(Random random, string type, Random values)
    {
        var p = Quote(promptIds[values.Next(promptIds.Count)]);
        var node = Quote(values.Next(1, 12).ToString(CultureInfo.InvariantCulture));
        var ts = 1795912196084L + values.Next(1_000_000);
        return type switch
        {
            "status" => $$$"""{"type":"status","data":{"status":{"exec_info":{"queue_remaining":{{{values.Next(0, 5)}}}}},"sid":"s1"}}""",
            "execution_start" => $$$"""{"type":"execution_start","data":{"prompt_id":{{{p}}},"timestamp":{{{ts}}}}}""",
            "execution_cached" => $$$"""{"type":"execution_cached","data":{"nodes":[{{{node}}},"2"],"prompt_id":{{{p}}},"timestamp":{{{ts}}}}}""",
            "executing" => values.Next(4) == 0
                ? $$$"""{"type":"executing","data":{"node":null,"prompt_id":{{{p}}}}}"""
                : $$$"""{"type":"executing","data":{"node":{{{node}}},"display_node":{{{node}}},"prompt_id":{{{p}}}}}""",
            "progress" => $$$"""{"type":"progress","data":{"value":{{{values.Next(0, 21)}}},"max":20,"prompt_id":{{{p}}},"node":{{{node}}}}}""",
            "progress_state" => $$$"""{"type":"progress_state","data":{"prompt_id":{{{p}}},"nodes":{{{{node}}}:{"value":{{{values.Next(0, 21)}}},"max":20,"state":"running""" + "\"}}}}",
            "executed" => $$$"""{"type":"executed","data":{"node":{{{node}}},"output":{"images":[{"filename":"a.png"}]},"prompt_id":{{{p}}}}}""",
            "execution_success" => $$$"""{"type":"execution_success","data":{"prompt_id":{{{p}}},"timestamp":{{{ts}}}}}""",
            "execution_error" => $$$"""{"type":"execution_error","data":{"prompt_id":{{{p}}},"node_id":{{{node}}},"node_type":"VAEDecode","exception_message":"out of memory","exception_type":"RuntimeError","timestamp":{{{ts}}}}}""",
            "execution_interrupted" => $$$"""{"type":"execution_interrupted","data":{"prompt_id":{{{p}}},"node_id":{{{node}}},"node_type":"KSampler","timestamp":{{{ts}}}}}""",
            _ => $$$"""{"type":{{{Quote(type)}}},"data":{"x":1}}""",
        };
    }

    private GeneratedFrame Truncated(Random random)
    {
        var bytes = Encoding.UTF8.GetBytes(Message(random, Types[random.Next(Types.Length)], random));
        return new GeneratedFrame(false, bytes[..random.Next(0, bytes.Length)], "truncated");
    }

    /// <summary>A field of a real message replaced by a value of another JSON type.</summary>
    private string WrongType(Random random)
    {
        string[] values = ["null", "true", "-1", "1e308", "-1e308", "0.5", "\"text\"", "[]", "[1,\"a\",null]", "{}", "{\"a\":{\"b\":1}}", "9223372036854775808"];
        string[] fields = ["type", "data", "prompt_id", "node", "value", "max", "nodes", "queue_remaining", "status", "exec_info", "timestamp", "output", "exception_message", "node_id", "state"];
        var json = Message(random, Types[random.Next(Types.Length)], random);
        var field = fields[random.Next(fields.Length)];
        var at = json.IndexOf($"\"{field}\":", StringComparison.Ordinal);
        if (at < 0)
        {
            return json.Insert(json.Length - 1, $",\"{field}\":{values[random.Next(values.Length)]}");
        }

        var start = at + field.Length + 3;
        var end = ValueEnd(json, start);
        return string.Concat(json.AsSpan(0, start), values[random.Next(values.Length)], json.AsSpan(end));
    }

    private string DuplicateKey(Random random) => random.Next(3) switch
    {
        0 => """{"type":"status","type":"x"}""",
        1 => string.Concat("""{"type":"progress","type":"executing",""", Message(random, "progress", random).AsSpan(1)),
        _ => Message(random, "execution_error", random).Replace("\"node_id\":", "\"node_id\":\"1\",\"node_id\":", StringComparison.Ordinal),
    };

    private string Deep(Random random)
    {
        var depth = random.Next(60, 3000);
        var open = random.Next(2) == 0 ? "[" : "{\"a\":";
        var close = open == "[" ? "]" : "}";
        var inner = new StringBuilder(depth * 6);
        for (var i = 0; i < depth; i++)
        {
            inner.Append(open);
        }

        inner.Append('1');
        for (var i = 0; i < depth; i++)
        {
            inner.Append(close);
        }

        return $$$"""{"type":"executed","data":{"node":"9","prompt_id":{{{Quote(promptIds[random.Next(promptIds.Count)])}}},"output":{{{inner}}}}}""";
    }

    private string Huge(Random random)
    {
        // Mostly past every cap (4–64 KiB), one in a hundred near the full size: huge, without making a run all allocation.
        var length = random.Next(100) == 0 ? random.Next(hugeStringLength / 2, hugeStringLength) : random.Next(4096, 65536);
        var text = new string((char)('a' + random.Next(26)), length);
        return random.Next(4) switch
        {
            0 => $$$"""{"type":"execution_error","data":{"prompt_id":{{{Quote(promptIds[random.Next(promptIds.Count)])}}},"node_id":"3","node_type":"KSampler","exception_message":"{{{text}}}","exception_type":"RuntimeError"}}""",
            1 => $$$"""{"type":"execution_start","data":{"prompt_id":"{{{text}}}"}}""",
            2 => $$$"""{"type":"executing","data":{"node":"{{{text}}}","prompt_id":{{{Quote(promptIds[random.Next(promptIds.Count)])}}}}}""",
            _ => $$$"""{"type":"{{{text}}}","data":{}}""",
        };
    }

    private GeneratedFrame InvalidUtf8(Random random)
    {
        var bytes = Encoding.UTF8.GetBytes(Message(random, Types[random.Next(Types.Length)], random)).ToList();
        byte[][] bad = [[0xC3], [0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0x80]];
        // Inside a string value (after an opening quote) or anywhere.
        var quote = bytes.IndexOf((byte)'"', random.Next(bytes.Count / 2));
        var at = quote >= 0 && random.Next(2) == 0 ? quote + 1 : random.Next(bytes.Count);
        bytes.InsertRange(at, bad[random.Next(bad.Length)]);
        return new GeneratedFrame(false, [.. bytes], "invalid_utf8");
    }

    /// <summary>Binary frames with every type byte: previews (1, 4) well-formed or not, and anything else.</summary>
    private GeneratedFrame Binary(Random random)
    {
        var type = random.Next(5) switch
        {
            0 => 1u,
            1 => 4u,
            2 => 3u,
            3 => (uint)random.Next(0, 256),
            _ => (uint)random.NextInt64(0, uint.MaxValue + 1L),
        };
        var payload = new byte[random.Next(0, 64)];
        random.NextBytes(payload);
        byte[] frame;
        if (type == 4 && random.Next(2) == 0)
        {
            var meta = Encoding.UTF8.GetBytes(random.Next(3) == 0
                ? """{"prompt_id":"p","prompt_id":"q"}"""
                : $$$"""{"image_type":"image/png","prompt_id":{{{Quote(promptIds[random.Next(promptIds.Count)])}}},"node_id":"3"}""");
            var declared = random.Next(4) == 0 ? (uint)random.NextInt64(0, uint.MaxValue + 1L) : (uint)meta.Length;
            frame = new byte[8 + meta.Length + payload.Length];
            BinaryPrimitives.WriteUInt32BigEndian(frame, type);
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), declared);
            meta.CopyTo(frame, 8);
            payload.CopyTo(frame, 8 + meta.Length);
        }
        else
        {
            frame = new byte[random.Next(0, 4) == 0 ? random.Next(0, 4) : 4 + payload.Length];
            if (frame.Length >= 4)
            {
                BinaryPrimitives.WriteUInt32BigEndian(frame, type);
                payload.CopyTo(frame, 4);
            }
        }

        return new GeneratedFrame(true, frame, "binary");
    }

    private static GeneratedFrame Text(string json, string shape) => new(false, Encoding.UTF8.GetBytes(json), shape);

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>Where the JSON value starting at <paramref name="start"/> ends (a string, a number, a literal, or a balanced object/array).</summary>
    private static int ValueEnd(string json, int start)
    {
        if (start >= json.Length)
        {
            return json.Length;
        }

        if (json[start] == '"')
        {
            var i = start + 1;
            while (i < json.Length && json[i] != '"')
            {
                i += json[i] == '\\' ? 2 : 1;
            }

            return Math.Min(i + 1, json.Length);
        }

        if (json[start] is '{' or '[')
        {
            var depth = 0;
            var inString = false;
            for (var i = start; i < json.Length; i++)
            {
                var c = json[i];
                if (inString)
                {
                    if (c == '\\')
                    {
                        i++;
                    }
                    else if (c == '"')
                    {
                        inString = false;
                    }
                }
                else if (c == '"')
                {
                    inString = true;
                }
                else if (c is '{' or '[')
                {
                    depth++;
                }
                else if (c is '}' or ']' && --depth == 0)
                {
                    return i + 1;
                }
            }

            return json.Length;
        }

        var end = start;
        while (end < json.Length && json[end] is not (',' or '}' or ']'))
        {
            end++;
        }

        return end;
    }
}
