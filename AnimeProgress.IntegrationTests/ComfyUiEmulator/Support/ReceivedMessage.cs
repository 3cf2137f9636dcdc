using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace AnimeProgress.IntegrationTests.ComfyUiEmulator;

/// <summary>One frame a test socket received: a JSON message or a binary frame.</summary>
internal sealed record ReceivedMessage(string Type, JsonObject? Data, byte[]? Binary)
{
    /// <summary>The u32 event type at the start of a binary frame; 0 for text.</summary>
    public uint BinaryType => Binary is { Length: >= 4 } b ? BinaryPrimitives.ReadUInt32BigEndian(b) : 0;

    public bool IsBinary => Binary is not null;

    public string? PromptId => Data?["prompt_id"]?.GetValue<string>();

    /// <summary>"executing" with node null: the end of a job.</summary>
    public bool IsExecutingNull => Type == "executing" && Data is not null && Data.ContainsKey("node") && Data["node"] is null;

    public override string ToString() => IsBinary ? $"binary{BinaryType}" : Type;
}
