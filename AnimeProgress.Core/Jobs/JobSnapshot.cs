namespace AnimeProgress.Core.Jobs;

/// <summary>
/// An immutable picture of one job at one moment. Everything that renders or publishes
/// job state works from these; nobody renders the tracker's mutable state.
/// </summary>
public sealed record JobSnapshot
{
    public required long Id { get; init; }
    public required string Title { get; init; }
    public JobKind Kind { get; init; }
    public JobStatus Status { get; init; }
    public Stage Stage { get; init; }

    /// <summary>0–100, never backwards while the job runs.</summary>
    public double Percent { get; init; }

    public int? FramesDone { get; init; }
    public int? FramesTotal { get; init; }

    /// <summary>True when <see cref="FramesDone"/> is derived from progress rather than reported.</summary>
    public bool FramesEstimated { get; init; }

    /// <summary>Smoothed progress rate in percent per minute; null until measurable.</summary>
    public double? RatePercentPerMinute { get; init; }

    /// <summary>Speeding up, steady or slowing down.</summary>
    public RateTrend RateTrend { get; init; }

    /// <summary>Seconds to completion; null when unknown.</summary>
    public double? EtaSeconds { get; init; }

    /// <summary>The uncertainty range of <see cref="EtaSeconds"/>; equal to it when the estimate is tight.</summary>
    public double? EtaLowSeconds { get; init; }

    public double? EtaHighSeconds { get; init; }

    public string EtaText => JobText.Duration(EtaSeconds);

    /// <summary>What the ETA rests on (runs compared, how alike, which estimate leads); null when nothing is said.</summary>
    public EtaBasis? EtaBasis { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    public string? Instance { get; init; }
    public string? PromptId { get; init; }
    public string? CurrentNodeType { get; init; }

    /// <summary>
    /// What the running node is doing when the server says so (the proposed <c>progress_state</c> <c>activity</c>, e.g.
    /// "loading" while weights move to VRAM): explains a sampler sitting at 0%. Null when not sent; never required.
    /// </summary>
    public string? Activity { get; init; }

    public string? Error { get; init; }

    /// <summary>Position in its instance's pending queue (1 = next); null when not queued.</summary>
    public int? QueuePosition { get; init; }

    public JobSource Source { get; init; }

    /// <summary>A stable hash of the graph's structure: jobs of the same pipeline share it (see Estimation.WorkflowKey).</summary>
    public string? WorkflowKey { get; init; }

    /// <summary>False for jobs whose step progress ComfyUI does not tell anyone but their submitter.</summary>
    public bool HasStepDetail => Source is JobSource.AnimeProgress or JobSource.Broadcast or JobSource.Database;

    /// <summary>Running, but no sign of life for longer than the configured stall time.</summary>
    public bool Stalled { get; init; }

    /// <summary>
    /// Who submitted the job through AnimeProgress: an account's name, a service account's name, or <c>key:&lt;prefix&gt;</c>
    /// (issue 14). Null for jobs other programs submitted, and for the first start's unnamed local Admin.
    /// </summary>
    public string? SubmittedBy { get; init; }

    /// <summary>Changes when a newer preview image is available (at most once a second); null without one.</summary>
    public long? PreviewVersion { get; init; }

    /// <summary>Increases with every published change of this job; lets consumers drop stale copies.</summary>
    public long Version { get; init; }

    public bool IsTerminal => Status.IsTerminal();

    /// <summary>Run time so far (or in total once finished), measured from the start, never from submission.</summary>
    public TimeSpan? Elapsed(DateTimeOffset now) =>
        StartedAt is { } started ? (FinishedAt ?? now) - started : null;
}
