using System.Buffers.Binary;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace AnimeProgress.Web.Relay;

/// <summary>
/// The few messages the relay writes itself, byte for byte as ComfyUI's Python server writes them (json.dumps:
/// <c>", "</c> and <c>": "</c>), and the one conversion it makes: a preview with metadata (binary type 4, what
/// AnimeProgress negotiated) back to ComfyUI's plain preview (type 1) for a client that did not ask for metadata.
/// </summary>
public static class RelayMessages
{
    /// <summary>The greeting on connect: <c>status</c> with the queue's length and the socket's <c>sid</c> (reference §2).</summary>
    public static RelayFrame Greeting(int queueRemaining, string sid) => Text(
        "{\"type\": \"status\", \"data\": {\"status\": {\"exec_info\": {\"queue_remaining\": "
        + queueRemaining.ToString(CultureInfo.InvariantCulture) + "}}, \"sid\": " + Quote(sid) + "}}");

    /// <summary>A queue change: <c>status</c> without a sid, as ComfyUI broadcasts it.</summary>
    public static RelayFrame Status(int queueRemaining) => Text(
        "{\"type\": \"status\", \"data\": {\"status\": {\"exec_info\": {\"queue_remaining\": "
        + queueRemaining.ToString(CultureInfo.InvariantCulture) + "}}}}");

    /// <summary>What a client reconnecting while its prompt runs gets after the greeting: the node, without a prompt id.</summary>
    public static RelayFrame ExecutingReplay(string node) => Text("{\"type\": \"executing\", \"data\": {\"node\": " + Quote(node) + "}}");

    /// <summary>The answer to a client's <c>feature_flags</c>: the instance's own flags, as its <c>/features</c> gives them.</summary>
    public static RelayFrame FeatureFlags(string serverFlagsJson) => Text("{\"type\": \"feature_flags\", \"data\": " + serverFlagsJson + "}");

    /// <summary>
    /// A preview as type 1 (u32 1, u32 format: 1 JPEG, 2 PNG, the image), made from the type 4 frame AnimeProgress
    /// received (its image and media type, as the parser read them).
    /// </summary>
    public static RelayFrame PlainPreview(string mediaType, ReadOnlySpan<byte> image)
    {
        var bytes = new byte[8 + image.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 1);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), string.Equals(mediaType, "image/png", StringComparison.OrdinalIgnoreCase) ? 2u : 1u);
        image.CopyTo(bytes.AsSpan(8));
        return new RelayFrame(WebSocketMessageType.Binary, bytes);
    }

    /// <summary>Python's json.dumps of a string (ensure_ascii: non-ASCII as \uXXXX).</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    private static RelayFrame Text(string json) => new(WebSocketMessageType.Text, Encoding.UTF8.GetBytes(json));
}
