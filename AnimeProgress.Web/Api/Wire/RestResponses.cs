using System.Text.Json.Serialization;

namespace AnimeProgress.Web.Api.Wire;

/// <summary>GET /api/jobs: one page of jobs, newest first, with the total that matched.</summary>
public sealed class JobPage
{
    [JsonPropertyName("total")]
    public int Total { get; init; }

    [JsonPropertyName("offset")]
    public int Offset { get; init; }

    [JsonPropertyName("limit")]
    public int Limit { get; init; }

    /// <summary>1-based; the page this offset falls on at this limit.</summary>
    [JsonPropertyName("page")]
    public int Page { get; init; }

    [JsonPropertyName("page_size")]
    public int PageSize { get; init; }

    /// <summary>Pass as <c>cursor</c> for the page after this one (keyset paging); null when this page is the last.</summary>
    [JsonPropertyName("next_cursor")]
    public string? NextCursor { get; init; }

    [JsonPropertyName("jobs")]
    public required IReadOnlyList<WireJob> Jobs { get; init; }
}

/// <summary>GET /api/jobs/{id}: the job and the stages it went through.</summary>
public sealed class JobDetail
{
    [JsonPropertyName("job")]
    public required WireJob Job { get; init; }

    [JsonPropertyName("timeline")]
    public required IReadOnlyList<StageSpan> Timeline { get; init; }

    /// <summary>The job this one retries (it was resubmitted from that one), or null.</summary>
    [JsonPropertyName("retry_of")]
    public long? RetryOf { get; init; }

    /// <summary>The jobs resubmitted from this one, oldest first; empty when none.</summary>
    [JsonPropertyName("retried_as")]
    public IReadOnlyList<long> RetriedAs { get; init; } = [];
}

/// <summary>One stage of a job's run; an open stage has no end yet.</summary>
public sealed class StageSpan
{
    [JsonPropertyName("stage")]
    public required string Stage { get; init; }

    [JsonPropertyName("started_at")]
    public required string StartedAt { get; init; }

    [JsonPropertyName("ended_at")]
    public string? EndedAt { get; init; }

    [JsonPropertyName("duration_seconds")]
    public double? DurationSeconds { get; init; }

    /// <summary>Progress when the stage began.</summary>
    [JsonPropertyName("progress_at_start")]
    public double ProgressAtStart { get; init; }
}

/// <summary>GET /api/jobs/{id}/history: the job's downsampled progress samples, oldest first.</summary>
public sealed class JobHistory
{
    [JsonPropertyName("job_id")]
    public long JobId { get; init; }

    [JsonPropertyName("samples")]
    public required IReadOnlyList<HistorySample> Samples { get; init; }
}

public sealed class HistorySample
{
    [JsonPropertyName("recorded_at")]
    public required string RecordedAt { get; init; }

    [JsonPropertyName("progress")]
    public double Progress { get; init; }

    [JsonPropertyName("stage")]
    public required string Stage { get; init; }

    /// <summary>Percent per minute at that moment; null while unknown.</summary>
    [JsonPropertyName("rate")]
    public double? Rate { get; init; }
}

/// <summary>GET /api/instances: the ComfyUI fleet.</summary>
public sealed class InstanceList
{
    [JsonPropertyName("instances")]
    public required IReadOnlyList<WireInstance> Instances { get; init; }
}

public sealed class WireInstance
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("base_url")]
    public required string BaseUrl { get; init; }

    [JsonPropertyName("online")]
    public bool Online { get; init; }

    /// <summary>When it last went online or offline.</summary>
    [JsonPropertyName("since")]
    public required string Since { get; init; }

    [JsonPropertyName("last_error")]
    public string? LastError { get; init; }

    /// <summary>Why the instance is degraded (one of its loops failed and is being restarted); null when it is not.</summary>
    [JsonPropertyName("degraded")]
    public string? Degraded { get; init; }

    [JsonPropertyName("queue_remaining")]
    public int QueueRemaining { get; init; }

    /// <summary>Prompts queued beyond the cap of followed jobs: counted, listed by /api/instances/{name}/queue, not jobs (yet).</summary>
    [JsonPropertyName("untracked_queued")]
    public int UntrackedQueued { get; init; }

    [JsonPropertyName("reconnect_attempt")]
    public int ReconnectAttempt { get; init; }

    [JsonPropertyName("next_retry_at")]
    public string? NextRetryAt { get; init; }

    [JsonPropertyName("comfyui_version")]
    public string? ComfyUiVersion { get; init; }

    [JsonPropertyName("devices")]
    public required IReadOnlyList<WireDevice> Devices { get; init; }
}

public sealed class WireDevice
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("vram_total")]
    public long VramTotal { get; init; }

    [JsonPropertyName("vram_free")]
    public long VramFree { get; init; }
}
