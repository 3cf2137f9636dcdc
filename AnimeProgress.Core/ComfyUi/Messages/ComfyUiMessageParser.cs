using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AnimeProgress.Core.ComfyUi.Messages;

/// <summary>The result of parsing one frame: an event, or the reason it could not be read.</summary>
public readonly record struct ParseResult(ComfyUiEvent? Event, string? Error)
{
    public static ParseResult Ok(ComfyUiEvent e) => new(e, null);

    public static ParseResult Fail(string error) => new(null, error);
}

/// <summary>
/// Turns ComfyUI WebSocket frames into typed events. Never throws for bad input: a frame
/// that cannot be read yields an error that the connection logs and skips.
/// </summary>
public static class ComfyUiMessageParser
{
    public static ParseResult ParseText(ReadOnlySpan<byte> utf8)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            return ParseResult.Fail("invalid JSON: " + ex.Message);
        }

        if (root is not JsonObject envelope)
        {
            return ParseResult.Fail("message is not a JSON object");
        }

        if (!TryGetString(envelope, "type", out var type) || type is null)
        {
            return ParseResult.Fail("message has no string 'type'");
        }

        var data = envelope["data"] as JsonObject;
        try
        {
            return type switch
            {
                "status" => ParseStatus(data),
                "execution_start" => Require(data, type, d => new ExecutionStartEvent(RequiredString(d, "prompt_id"), Timestamp(d))),
                "execution_cached" => Require(data, type, d => new ExecutionCachedEvent(RequiredString(d, "prompt_id"), StringList(d["nodes"]))),
                "executing" => Require(data, type, d => new ExecutingEvent(OptionalString(d, "prompt_id"), OptionalString(d, "node"))),
                "progress" => Require(data, type, d => new ProgressEvent(
                    OptionalString(d, "prompt_id"), OptionalString(d, "node"), RequiredNumber(d, "value"), RequiredNumber(d, "max"))),
                "progress_state" => Require(data, type, ParseProgressState),
                "executed" => Require(data, type, d => new ExecutedEvent(
                    OptionalString(d, "prompt_id"), RequiredString(d, "node"), d["output"] as JsonObject)),
                "execution_success" => Require(data, type, d => new ExecutionSuccessEvent(RequiredString(d, "prompt_id"), Timestamp(d))),
                "execution_error" => Require(data, type, d => new ExecutionErrorEvent(
                    RequiredString(d, "prompt_id"),
                    OptionalString(d, "node_id"),
                    OptionalString(d, "node_type"),
                    OptionalString(d, "exception_type"),
                    OptionalString(d, "exception_message"),
                    Timestamp(d))),
                "execution_interrupted" => Require(data, type, d => new ExecutionInterruptedEvent(
                    RequiredString(d, "prompt_id"), OptionalString(d, "node_id"), OptionalString(d, "node_type"), Timestamp(d))),
                _ => ParseResult.Ok(new IgnoredEvent(type)),
            };
        }
        catch (FormatException ex)
        {
            return ParseResult.Fail($"'{type}': {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            return ParseResult.Fail($"'{type}': {ex.Message}");
        }
    }

    /// <summary>Binary frames: big-endian u32 event type, then the payload (reference §2.2).</summary>
    public static ParseResult ParseBinary(ReadOnlyMemory<byte> frame)
    {
        var span = frame.Span;
        if (span.Length < 4)
        {
            return ParseResult.Fail($"binary frame of {span.Length} bytes has no type header");
        }

        var eventType = BinaryPrimitives.ReadUInt32BigEndian(span);
        switch (eventType)
        {
            case 1:
                if (span.Length < 8)
                {
                    return ParseResult.Fail("preview frame (type 1) has no image format");
                }

                var format = BinaryPrimitives.ReadUInt32BigEndian(span[4..]);
                var media = format == 2 ? "image/png" : "image/jpeg";
                return ParseResult.Ok(new PreviewEvent(null, null, media, frame[8..]));
            case 3:
                return ParseResult.Ok(new IgnoredEvent("binary_text"));
            case 4:
                return ParseMetadataPreview(frame);
            default:
                return ParseResult.Fail($"binary frame with unknown event type {eventType}");
        }
    }

    private static ParseResult ParseMetadataPreview(ReadOnlyMemory<byte> frame)
    {
        var span = frame.Span;
        if (span.Length < 8)
        {
            return ParseResult.Fail("preview frame (type 4) has no metadata length");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(span[4..]);
        if (length > (uint)(span.Length - 8))
        {
            return ParseResult.Fail($"preview frame (type 4) metadata length {length} exceeds the frame");
        }

        try
        {
            var meta = JsonNode.Parse(span.Slice(8, (int)length)) as JsonObject;
            var promptId = meta is null ? null : OptionalString(meta, "prompt_id");
            var nodeId = meta is null ? null : OptionalString(meta, "node_id");
            var media = (meta is null ? null : OptionalString(meta, "image_type")) ?? "image/jpeg";
            return ParseResult.Ok(new PreviewEvent(promptId, nodeId, media, frame[(8 + (int)length)..]));
        }
        catch (JsonException ex)
        {
            return ParseResult.Fail("preview metadata is not JSON: " + ex.Message);
        }
    }

    private static ParseResult ParseStatus(JsonObject? data)
    {
        var remaining = data?["status"]?["exec_info"]?["queue_remaining"];
        if (remaining is null)
        {
            return ParseResult.Fail("'status' without status.exec_info.queue_remaining");
        }

        var sid = data is null ? null : OptionalString(data, "sid");
        return ParseResult.Ok(new StatusEvent((int)Number(remaining, "queue_remaining"), sid));
    }

    private static ProgressStateEvent ParseProgressState(JsonObject data)
    {
        var promptId = RequiredString(data, "prompt_id");
        if (data["nodes"] is not JsonObject nodes)
        {
            throw new FormatException("'nodes' is not an object");
        }

        var list = new List<NodeProgress>(nodes.Count);
        foreach (var (id, value) in nodes)
        {
            if (value is not JsonObject node)
            {
                continue;
            }

            var state = OptionalString(node, "state");
            list.Add(new NodeProgress(
                id,
                node["value"] is { } v ? Number(v, "value") : 0,
                node["max"] is { } m ? Number(m, "max") : 1,
                string.Equals(state, "finished", StringComparison.Ordinal)));
        }

        return new ProgressStateEvent(promptId, list);
    }

    private static ParseResult Require(JsonObject? data, string type, Func<JsonObject, ComfyUiEvent> build) =>
        data is null ? ParseResult.Fail($"'{type}' without a data object") : ParseResult.Ok(build(data));

    private static bool TryGetString(JsonObject obj, string name, out string? value)
    {
        value = null;
        if (obj[name] is JsonValue v && v.TryGetValue(out string? s))
        {
            value = s;
            return true;
        }

        return false;
    }

    private static string RequiredString(JsonObject obj, string name) =>
        OptionalString(obj, name) ?? throw new FormatException($"missing '{name}'");

    /// <summary>Strings as strings; numbers (ids the frontend types allow as numbers) as their text.</summary>
    private static string? OptionalString(JsonObject obj, string name) => obj[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v when v.TryGetValue(out long l) => l.ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue(out double d) => d.ToString(CultureInfo.InvariantCulture),
        _ => throw new FormatException($"'{name}' is not a string"),
    };

    private static double RequiredNumber(JsonObject obj, string name) =>
        obj[name] is { } node ? Number(node, name) : throw new FormatException($"missing '{name}'");

    private static double Number(JsonNode node, string name)
    {
        if (node is JsonValue v)
        {
            if (v.TryGetValue(out double d) && double.IsFinite(d))
            {
                return d;
            }

            if (v.TryGetValue(out string? s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d))
            {
                return d;
            }
        }

        throw new FormatException($"'{name}' is not a number");
    }

    private static DateTimeOffset? Timestamp(JsonObject obj)
    {
        if (obj["timestamp"] is JsonValue v && v.TryGetValue(out double ms) && double.IsFinite(ms) && ms is > 0 and < 253402300799999)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)ms);
        }

        return null;
    }

    private static List<string> StringList(JsonNode? node)
    {
        if (node is not JsonArray array)
        {
            return [];
        }

        var list = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (item is JsonValue v)
            {
                if (v.TryGetValue(out string? s))
                {
                    list.Add(s);
                }
                else if (v.TryGetValue(out long l))
                {
                    list.Add(l.ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        return list;
    }

    internal static string Describe(ReadOnlySpan<byte> utf8) =>
        utf8.Length <= 120 ? Encoding.UTF8.GetString(utf8) : Encoding.UTF8.GetString(utf8[..120]) + "…";
}
