using System.Diagnostics;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Tracking;

/// <summary>The tracker's mutable working state for one job; only the tracker's thread touches it.</summary>
internal sealed class TrackedJob(JobSnapshot snapshot, WorkflowGraph graph)
{
    private static readonly Dictionary<Stage, TimeSpan> NoStages = [];

    // Created when the first stage closes: a queued job never needs it.
    private Dictionary<Stage, TimeSpan>? _stageDurations;

    public JobSnapshot Snapshot { get; set; } = snapshot;

    /// <summary>The submission's span, carried over the tracker's channel: each message about the job is traced under it.</summary>
    public ActivityContext Trace { get; set; }

    public WorkflowGraph Graph { get; } = graph;

    public GraphProgress Progress { get; } = new(graph);

    /// <summary>The job's estimator once it runs; null while queued.</summary>
    public IJobEstimator? Estimator { get; set; }

    public JobFacts Facts { get; init; } = new(JobKind.Image, null, null);

    /// <summary>Time spent in each stage so far, to feed per-stage durations to the history prior.</summary>
    public IReadOnlyDictionary<Stage, TimeSpan> StageDurations => _stageDurations ?? (IReadOnlyDictionary<Stage, TimeSpan>)NoStages;

    public (Stage Stage, DateTimeOffset Since)? CurrentStage { get; set; }

    /// <summary>
    /// When ComfyUI was known to hold the prompt. Absence from its queue and history means something
    /// only in a reconcile whose queue was read after this moment.
    /// </summary>
    public DateTimeOffset? AcceptedAt { get; set; }

    public string? CurrentNode { get; set; }

    /// <summary>Sent by the fleet queue's dispatcher: if ComfyUI loses it before it starts, it goes back to that queue.</summary>
    public bool FromFleetQueue { get; set; }

    /// <summary>The last event about this job; a stall is measured from here.</summary>
    public DateTimeOffset LastSignAt { get; set; }

    public DateTimeOffset PreviewShownAt { get; set; }

    /// <summary>Frames a node reported directly (a per-frame progress bar), rather than derived.</summary>
    public int? ReportedFrames { get; set; }

    /// <summary>Starts timing a stage (closing the previous one) unless it is the stage already timed.</summary>
    public void EnterStage(Stage stage, DateTimeOffset now)
    {
        if (CurrentStage is { } current && current.Stage == stage)
        {
            return;
        }

        CloseStage(now);
        CurrentStage = (stage, now);
    }

    public void CloseStage(DateTimeOffset now)
    {
        if (CurrentStage is { } current)
        {
            _stageDurations ??= [];
            _stageDurations[current.Stage] = _stageDurations.GetValueOrDefault(current.Stage) + (now - current.Since);
            CurrentStage = null;
        }
    }
}
