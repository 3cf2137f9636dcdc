using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace AnimeProgress.TestSupport.ComfyUi;

/// <summary>One frame a test socket received: a JSON message or a binary frame.</summary>
public sealed record ReceivedMessage(string Type, JsonObject? Data, byte[]? Binary)
{
    /// <summary>The u32 event type at the start of a binary frame; 0 for text.</summary>
    public uint BinaryType => Binary is { Length: >= 4 } b ? BinaryPrimitives.ReadUInt32BigEndian(b) : 0;

    public bool IsBinary => Binary is not null;

    public string? PromptId => Data?["prompt_id"] is JsonValue v && v.TryGetValue(out string? id) ? id : null;

    /// <summary>The node an <c>executing</c> names; null for its end of a job.</summary>
    public string? Node => Data?["node"] is JsonValue v && v.TryGetValue(out string? node) ? node : null;

    /// <summary>A <c>status</c> sent on a queue change (not a socket's greeting, which carries its sid).</summary>
    public bool IsStatusBroadcast => Type == "status" && Data is not null && !Data.ContainsKey("sid");

    public int? QueueRemaining => Data?["status"]?["exec_info"]?["queue_remaining"] is JsonValue v && v.TryGetValue(out int n) ? n : null;

    /// <summary>"executing" with node null: the end of a job.</summary>
    public bool IsExecutingNull => Type == "executing" && Data is not null && Data.ContainsKey("node") && Data["node"] is null;

    public override string ToString() => IsBinary ? $"binary{BinaryType}" : Type;
}
