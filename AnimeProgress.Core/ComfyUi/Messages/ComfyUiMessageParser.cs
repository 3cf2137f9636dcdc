using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Core.Boundary;

namespace AnimeProgress.Core.ComfyUi.Messages;

/// <summary>The result of parsing one frame: an event, or the reason it could not be read.</summary>
public readonly record struct ParseResult(ComfyUiEvent? Event, string? Error)
{
    public static ParseResult Ok(ComfyUiEvent e) => new(e, null);

    public static ParseResult Fail(string error) => new(null, error);
}

/// <summary>
/// Turns ComfyUI WebSocket frames into typed events. Never throws for bad input: a frame
/// that cannot be read yields an error that the connection counts, logs and skips. Duplicate keys,
/// nesting deeper than <see cref="MaxDepth"/> and invalid UTF-8 are rejected by the JSON reader itself;
/// anything else a frame can make the reading code throw is caught once, at this boundary. Every string
/// kept from a frame is capped (<see cref="InputLimits"/>), visibly, so nothing oversize travels on.
/// </summary>
public static class ComfyUiMessageParser
{
    /// <summary>Longest <c>activity</c> kept: the proposal's values are single words ("loading", "running").</summary>
    public const int MaxActivityLength = 32;

    /// <summary>ComfyUI's own messages nest 5 deep; a node's output a few more.</summary>
    public const int MaxDepth = 64;

    private static readonly InputLimits DefaultLimits = new();

    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    public static ParseResult ParseText(ReadOnlySpan<byte> utf8, InputLimits? limits = null)
    {
        try
        {
            return ReadText(utf8, limits ?? DefaultLimits);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The one boundary: whatever a hostile frame makes the reader throw becomes a rejection, never a crash.
            return ParseResult.Fail($"unreadable text frame ({ex.GetType().Name})");
        }
    }

    /// <summary>Binary frames: big-endian u32 event type, then the payload (reference §2.2).</summary>
    public static ParseResult ParseBinary(ReadOnlyMemory<byte> frame, InputLimits? limits = null)
    {
        try
        {
            return ReadBinary(frame, limits ?? DefaultLimits);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ParseResult.Fail($"unreadable binary frame ({ex.GetType().Name})");
        }
    }

    private static ParseResult ReadText(ReadOnlySpan<byte> utf8, InputLimits limits)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(utf8, documentOptions: Strict);
        }
        catch (JsonException ex)
        {
            return ParseResult.Fail("invalid JSON: " + ex.Message);
        }

        if (root is not JsonObject envelope)
        {
            return ParseResult.Fail("message is not a JSON object");
        }

        if (!TryGetString(envelope, "type", out var rawType) || rawType is null)
        {
            return ParseResult.Fail("message has no string 'type'");
        }

        var type = BoundedText.Cap(rawType, limits.MaxNameLength)!;
        var data = envelope["data"] as JsonObject;
        var c = new Caps(limits);
        try
        {
            return type switch
            {
                "status" => ParseStatus(data, c),
                "execution_start" => Require(data, type, d => new ExecutionStartEvent(c.Prompt(RequiredString(d, "prompt_id")), Timestamp(d))),
                "execution_cached" => Require(data, type, d => new ExecutionCachedEvent(
                    c.Prompt(RequiredString(d, "prompt_id")), [.. StringList(d["nodes"]).Select(n => c.Name(n))])),
                "executing" => Require(data, type, d => new ExecutingEvent(c.Prompt(OptionalString(d, "prompt_id")), c.Name(OptionalString(d, "node")))),
                "progress" => Require(data, type, d => new ProgressEvent(
                    c.Prompt(OptionalString(d, "prompt_id")), c.Name(OptionalString(d, "node")), RequiredNumber(d, "value"), RequiredNumber(d, "max"))),
                "progress_state" => Require(data, type, d => ParseProgressState(d, c)),
                "executed" => Require(data, type, d => new ExecutedEvent(
                    c.Prompt(OptionalString(d, "prompt_id")), c.Name(RequiredString(d, "node")), d["output"] as JsonObject)),
                "execution_success" => Require(data, type, d => new ExecutionSuccessEvent(c.Prompt(RequiredString(d, "prompt_id")), Timestamp(d))),
                "execution_error" => Require(data, type, d => new ExecutionErrorEvent(
                    c.Prompt(RequiredString(d, "prompt_id")),
                    c.Name(OptionalString(d, "node_id")),
                    c.Name(OptionalString(d, "node_type")),
                    c.Name(OptionalString(d, "exception_type")),
                    c.Error(OptionalString(d, "exception_message")),
                    Timestamp(d))),
                "execution_interrupted" => Require(data, type, d => new ExecutionInterruptedEvent(
                    c.Prompt(RequiredString(d, "prompt_id")), c.Name(OptionalString(d, "node_id")), c.Name(OptionalString(d, "node_type")), Timestamp(d))),
                _ => ParseResult.Ok(new IgnoredEvent(type)),
            };
        }
        catch (FormatException ex)
        {
            return ParseResult.Fail($"'{type}': {ex.Message}");
        }
    }

    private static ParseResult ReadBinary(ReadOnlyMemory<byte> frame, InputLimits limits)
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
                return ParseMetadataPreview(frame, new Caps(limits));
            default:
                return ParseResult.Fail($"binary frame with unknown event type {eventType}");
        }
    }

    private static ParseResult ParseMetadataPreview(ReadOnlyMemory<byte> frame, Caps c)
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
            var meta = JsonNode.Parse(span.Slice(8, (int)length), documentOptions: Strict) as JsonObject;
            var promptId = meta is null ? null : c.Prompt(OptionalString(meta, "prompt_id"));
            var nodeId = meta is null ? null : c.Name(OptionalString(meta, "node_id"));
            var media = (meta is null ? null : c.Name(OptionalString(meta, "image_type"))) ?? "image/jpeg";
            return ParseResult.Ok(new PreviewEvent(promptId, nodeId, media, frame[(8 + (int)length)..]));
        }
        catch (JsonException ex)
        {
            return ParseResult.Fail("preview metadata is not JSON: " + ex.Message);
        }
        catch (FormatException ex)
        {
            return ParseResult.Fail("preview metadata: " + ex.Message);
        }
    }

    private static ParseResult ParseStatus(JsonObject? data, Caps c)
    {
        var remaining = data?["status"]?["exec_info"]?["queue_remaining"];
        if (remaining is null)
        {
            return ParseResult.Fail("'status' without status.exec_info.queue_remaining");
        }

        var sid = data is null ? null : c.Name(OptionalString(data, "sid"));
        // A count: clamp what a hostile peer may send (negative, 1e300) into what an int can say.
        return ParseResult.Ok(new StatusEvent((int)Math.Clamp(Number(remaining, "queue_remaining"), 0, int.MaxValue), sid));
    }

    private static ProgressStateEvent ParseProgressState(JsonObject data, Caps c)
    {
        var promptId = c.Prompt(RequiredString(data, "prompt_id"));
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
                c.Name(id),
                node["value"] is { } v ? Number(v, "value") : 0,
                node["max"] is { } m ? Number(m, "max") : 1,
                string.Equals(state, "finished", StringComparison.Ordinal),
                ActivityOf(node, c)));
        }

        return new ProgressStateEvent(promptId, list);
    }

    /// <summary>
    /// The proposed per-node <c>activity</c> (reference §9): read when it is a string of at most
    /// <see cref="MaxActivityLength"/> characters, otherwise dropped without a word. It only ever adds a detail, so a
    /// bad one must never cost the progress it came with.
    /// </summary>
    private static string? ActivityOf(JsonObject node, Caps c)
    {
        if (node["activity"] is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }

        var activity = v.GetValue<string>().Trim();
        return activity.Length is > 0 and <= MaxActivityLength && !activity.Any(char.IsControl) ? c.Name(activity) : null;
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

    /// <summary>The caps of one parse: each kind of string is cut to its limit where it enters.</summary>
    private readonly struct Caps(InputLimits limits)
    {
        [return: NotNullIfNotNull(nameof(id))]
        public string? Prompt(string? id) => BoundedText.Cap(id, limits.MaxPromptIdLength);

        [return: NotNullIfNotNull(nameof(name))]
        public string? Name(string? name) => BoundedText.Cap(name, limits.MaxNameLength);

        [return: NotNullIfNotNull(nameof(message))]
        public string? Error(string? message) => BoundedText.Cap(message, limits.MaxErrorLength);
    }

    internal static string Describe(ReadOnlySpan<byte> utf8) =>
        utf8.Length <= 120 ? Encoding.UTF8.GetString(utf8) : Encoding.UTF8.GetString(utf8[..120]) + "…";
}
