using System.Text.Json;
using System.Text.Json.Serialization;

namespace AnimeProgress.Core.Notifications;

/// <summary>
/// Something worth telling people, with the facts every channel formats (title, status, workflow, instance, duration,
/// the job's page). Stored as the event row's payload, so a retry sends what was true when it happened.
/// </summary>
public sealed record NotificationEvent
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Stable: the record's id for a recorded change, type + subject + start for a detected condition.</summary>
    public required string Id { get; init; }

    public required string Type { get; init; }

    /// <summary><c>job:42</c>, <c>instance:gpu-1</c> or <c>fleet</c>.</summary>
    public required string Subject { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>One line a person reads first ("Job completed: Key art 12").</summary>
    public required string Title { get; init; }

    /// <summary>The situation in a sentence ("no sign of life for 2m 0s at 41 %").</summary>
    public string? Detail { get; init; }

    public long? JobId { get; init; }

    public string? JobTitle { get; init; }

    /// <summary>The job's status in wire words (<c>completed</c>, <c>failed</c>…), or the instance's (<c>offline</c>).</summary>
    public string? Status { get; init; }

    /// <summary><c>image</c> or <c>video</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>The workflow's structural key (the same pipeline re-run shares it).</summary>
    public string? Workflow { get; init; }

    public string? Instance { get; init; }

    public string? SubmittedBy { get; init; }

    public double? DurationSeconds { get; init; }

    public string? Error { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static NotificationEvent FromJson(string json) =>
        JsonSerializer.Deserialize<NotificationEvent>(json, Json) ?? throw new JsonException("An empty notification event.");
}
