using System.Text.Json.Serialization;

namespace AnimeProgress.Web.Queue;

/// <summary><c>GET /api/queue</c>: paused or not, then every job in dispatch order (those being sent first).</summary>
public sealed class WireQueue
{
    [JsonPropertyName("paused")]
    public bool Paused { get; init; }

    [JsonPropertyName("jobs")]
    public required IReadOnlyList<WireQueueEntry> Jobs { get; init; }
}

public sealed class WireQueueEntry
{
    [JsonPropertyName("id")]
    public long Id { get; init; }

    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    [JsonPropertyName("priority")]
    public int Priority { get; init; }

    /// <summary><c>waiting</c> or <c>dispatching</c> (being sent now).</summary>
    [JsonPropertyName("state")]
    public required string State { get; init; }

    [JsonPropertyName("submitted_by")]
    public string? SubmittedBy { get; init; }

    [JsonPropertyName("submitted_at")]
    public required string SubmittedAt { get; init; }

    [JsonPropertyName("needs")]
    public required WireNeeds Needs { get; init; }

    /// <summary>The instance the submitter pinned the job to, if any.</summary>
    [JsonPropertyName("pinned_instance")]
    public string? PinnedInstance { get; init; }

    [JsonPropertyName("retry_of")]
    public long? RetryOf { get; init; }

    /// <summary>Where it goes next or will most likely run; null when no instance that fits is up.</summary>
    [JsonPropertyName("instance")]
    public string? Instance { get; init; }

    /// <summary>A sentence: where it goes, or why it waits.</summary>
    [JsonPropertyName("reason")]
    public required string Reason { get; init; }
}

/// <summary>A job's needs, in the shape <c>POST /api/jobs</c> takes them.</summary>
public sealed class WireNeeds
{
    [JsonPropertyName("vramGb")]
    public double? VramGb { get; init; }

    [JsonPropertyName("labels")]
    public required IReadOnlyList<string> Labels { get; init; }

    [JsonPropertyName("models")]
    public required IReadOnlyList<string> Models { get; init; }
}

/// <summary>The answer to an action that was done: what it did, in a sentence; a retry also names the new job.</summary>
public sealed class WireActionResult
{
    [JsonPropertyName("message")]
    public required string Message { get; init; }

    [JsonPropertyName("id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Id { get; init; }
}

/// <summary><c>PATCH /api/jobs/{id}</c>.</summary>
public sealed class PriorityChange
{
    [JsonPropertyName("priority")]
    public int? Priority { get; set; }
}

/// <summary><c>POST /api/jobs/{id}/move</c>: <c>{"to": "front"}</c>, <c>{"to": "back"}</c> or <c>{"before": 12}</c>.</summary>
public sealed class MoveRequest
{
    [JsonPropertyName("to")]
    public string? To { get; set; }

    [JsonPropertyName("before")]
    public long? Before { get; set; }
}

/// <summary><c>PATCH /api/instances/{name}</c>.</summary>
public sealed class InstanceChange
{
    [JsonPropertyName("labels")]
    public IReadOnlyList<string?>? Labels { get; set; }
}
