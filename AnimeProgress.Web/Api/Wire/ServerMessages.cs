using System.Text.Json.Serialization;

namespace AnimeProgress.Web.Api.Wire;

/// <summary>initial_jobs: sent once, right after the connection opens.</summary>
public sealed class InitialJobsMessage
{
    [JsonPropertyName("type")]
    public string Type => "initial_jobs";

    [JsonPropertyName("jobs")]
    public required IReadOnlyList<WireJob> Jobs { get; init; }

    [JsonPropertyName("timestamp")]
    public required string Timestamp { get; init; }
}

/// <summary>progress_update: the newest state of one job.</summary>
public sealed class ProgressUpdateMessage
{
    [JsonPropertyName("type")]
    public string Type => "progress_update";

    [JsonPropertyName("job")]
    public required WireJob Job { get; init; }

    [JsonPropertyName("timestamp")]
    public required string Timestamp { get; init; }
}

/// <summary>pong: the answer to a client's ping.</summary>
public sealed class PongMessage
{
    [JsonPropertyName("type")]
    public string Type => "pong";

    [JsonPropertyName("timestamp")]
    public required string Timestamp { get; init; }
}

/// <summary>error: a message the server could not take; the connection stays open.</summary>
public sealed class ErrorMessage
{
    [JsonPropertyName("type")]
    public string Type => "error";

    [JsonPropertyName("message")]
    public required string Message { get; init; }

    /// <summary>A stable machine-readable reason (an addition to the seed's shape): invalid_json, unknown_type, invalid_job_id, unknown_job, unavailable, unsupported_frame, too_many_subscriptions, invalid_message.</summary>
    [JsonPropertyName("code")]
    public required string Code { get; init; }

    [JsonPropertyName("timestamp")]
    public required string Timestamp { get; init; }
}
