using System.Text.Json.Serialization;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.Api.Wire;

/// <summary>
/// A job as programs see it, over the WebSocket and in REST answers alike. The first nine fields
/// are the seed's, with its names and meanings; everything after them is an addition. Names are a
/// promise: fields may be added, never renamed or removed. Every field the seed has as a number is
/// always a number (seed clients format them without a null check): 0 while unknown, with a
/// separate <c>*_known</c> flag saying whether the number means something yet.
/// </summary>
public sealed class WireJob
{
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary>0–100.</summary>
    [JsonPropertyName("progress")]
    public double Progress { get; init; }

    /// <summary>queued, processing, completed, failed or cancelled.</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    /// <summary>Queued, Initializing, Processing, Rendering, Post-processing, Finalizing, Completed, Failed or Cancelled.</summary>
    [JsonPropertyName("current_stage")]
    public required string CurrentStage { get; init; }

    /// <summary>0 when the job has no frame count (images); see <see cref="FramesKnown"/>.</summary>
    [JsonPropertyName("frames_complete")]
    public int FramesComplete { get; init; }

    /// <summary>0 when the job has no frame count (images); see <see cref="FramesKnown"/>.</summary>
    [JsonPropertyName("estimated_total_frames")]
    public int EstimatedTotalFrames { get; init; }

    /// <summary>Whole seconds to completion; 0 while it cannot be known (then <see cref="EtaKnown"/> is false).</summary>
    [JsonPropertyName("eta_seconds")]
    public double EtaSeconds { get; init; }

    /// <summary>"2m 25s", or "—" when unknown.</summary>
    [JsonPropertyName("eta_formatted")]
    public required string EtaFormatted { get; init; }

    /// <summary>Percent per minute, smoothed; 0 until measurable (then <see cref="ProgressRateKnown"/> is false).</summary>
    [JsonPropertyName("progress_rate")]
    public double ProgressRate { get; init; }

    [JsonPropertyName("title")]
    public required string Title { get; init; }

    /// <summary>image or video.</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    /// <summary>The ComfyUI machine that runs it.</summary>
    [JsonPropertyName("instance")]
    public string? Instance { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    /// <summary>False while eta_seconds is a placeholder 0: no estimate yet (or none possible).</summary>
    [JsonPropertyName("eta_known")]
    public bool EtaKnown { get; init; }

    /// <summary>False while progress_rate is a placeholder 0: not measurable yet (or never, for jobs without step detail).</summary>
    [JsonPropertyName("progress_rate_known")]
    public bool ProgressRateKnown { get; init; }

    /// <summary>False for jobs without a frame count (images): frames_complete and estimated_total_frames are then 0.</summary>
    [JsonPropertyName("frames_known")]
    public bool FramesKnown { get; init; }

    /// <summary>True when frames_complete is derived from progress rather than reported.</summary>
    [JsonPropertyName("frames_estimated")]
    public bool FramesEstimated { get; init; }

    [JsonPropertyName("eta_low_seconds")]
    public double? EtaLowSeconds { get; init; }

    [JsonPropertyName("eta_high_seconds")]
    public double? EtaHighSeconds { get; init; }

    /// <summary>speeding_up, steady, slowing_down, or null while unknown.</summary>
    [JsonPropertyName("rate_trend")]
    public string? RateTrend { get; init; }

    /// <summary>Position in its machine's queue (1 = next); null when not queued.</summary>
    [JsonPropertyName("queue_position")]
    public int? QueuePosition { get; init; }

    /// <summary>The ComfyUI node class executing now.</summary>
    [JsonPropertyName("current_node")]
    public string? CurrentNode { get; init; }

    [JsonPropertyName("prompt_id")]
    public string? PromptId { get; init; }

    [JsonPropertyName("created_at")]
    public string? CreatedAt { get; init; }

    [JsonPropertyName("started_at")]
    public string? StartedAt { get; init; }

    /// <summary>When this state was produced; a receiver can measure its own delay against it.</summary>
    [JsonPropertyName("updated_at")]
    public string? UpdatedAt { get; init; }

    [JsonPropertyName("finished_at")]
    public string? FinishedAt { get; init; }

    /// <summary>Increases with every change of this job: lets a client drop a stale copy.</summary>
    [JsonPropertyName("version")]
    public long Version { get; init; }

    /// <summary>
    /// Who submitted the job through AnimeProgress: an account's or service account's name (a key counts as its owner),
    /// or null for jobs other programs submitted.
    /// </summary>
    [JsonPropertyName("submitted_by")]
    public string? SubmittedBy { get; init; }

    public static WireJob From(JobSnapshot s) => new()
    {
        Id = s.Id,
        Progress = s.Percent,
        Status = s.Status.ToWire(),
        CurrentStage = s.Stage.DisplayName(),
        FramesComplete = s.FramesDone ?? 0,
        EstimatedTotalFrames = s.FramesTotal ?? 0,
        EtaSeconds = s.EtaSeconds ?? 0,
        EtaFormatted = JobText.Duration(s.EtaSeconds),
        ProgressRate = s.RatePercentPerMinute ?? 0,
        Title = s.Title,
        Kind = KindName(s.Kind),
        Instance = s.Instance,
        Error = s.Error,
        EtaKnown = s.EtaSeconds is not null,
        ProgressRateKnown = s.RatePercentPerMinute is not null,
        FramesKnown = s.FramesTotal is not null,
        FramesEstimated = s.FramesEstimated,
        EtaLowSeconds = s.EtaLowSeconds,
        EtaHighSeconds = s.EtaHighSeconds,
        RateTrend = TrendName(s.RateTrend),
        QueuePosition = s.QueuePosition,
        CurrentNode = s.CurrentNodeType,
        PromptId = s.PromptId,
        CreatedAt = WireTime.Format(s.CreatedAt),
        StartedAt = WireTime.Format(s.StartedAt),
        UpdatedAt = WireTime.Format(s.UpdatedAt),
        FinishedAt = WireTime.Format(s.FinishedAt),
        Version = s.Version,
        SubmittedBy = s.SubmittedBy,
    };

    public static string KindName(JobKind kind) => kind == JobKind.Video ? "video" : "image";

    private static string? TrendName(RateTrend trend) => trend switch
    {
        Core.Jobs.RateTrend.SpeedingUp => "speeding_up",
        Core.Jobs.RateTrend.Steady => "steady",
        Core.Jobs.RateTrend.SlowingDown => "slowing_down",
        _ => null,
    };
}
