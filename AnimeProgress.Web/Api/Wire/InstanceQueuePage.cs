using System.Text.Json.Serialization;

namespace AnimeProgress.Web.Api.Wire;

/// <summary>GET /api/instances/{name}/queue: one page of the prompts queued there beyond the cap of followed jobs, in queue order.</summary>
public sealed class InstanceQueuePage
{
    [JsonPropertyName("instance")]
    public required string Instance { get; init; }

    /// <summary>How many such prompts the instance's last queue read held.</summary>
    [JsonPropertyName("total")]
    public int Total { get; init; }

    [JsonPropertyName("offset")]
    public int Offset { get; init; }

    [JsonPropertyName("limit")]
    public int Limit { get; init; }

    [JsonPropertyName("prompts")]
    public required IReadOnlyList<WireQueuedPrompt> Prompts { get; init; }
}

/// <summary>A prompt ComfyUI holds that AnimeProgress counts but does not follow as a job yet.</summary>
public sealed class WireQueuedPrompt
{
    /// <summary>1 = next on the machine; 0 = running.</summary>
    [JsonPropertyName("queue_position")]
    public int QueuePosition { get; init; }

    [JsonPropertyName("prompt_id")]
    public required string PromptId { get; init; }

    [JsonPropertyName("title")]
    public required string Title { get; init; }

    /// <summary>Who queued it: animeprogress, broadcast (no client id) or external (another program).</summary>
    [JsonPropertyName("source")]
    public required string Source { get; init; }
}
