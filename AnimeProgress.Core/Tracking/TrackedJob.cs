using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Tracking;

/// <summary>The tracker's mutable working state for one job; only the tracker's thread touches it.</summary>
internal sealed class TrackedJob(JobSnapshot snapshot, WorkflowGraph graph)
{
    public JobSnapshot Snapshot { get; set; } = snapshot;

    public WorkflowGraph Graph { get; } = graph;

    public GraphProgress Progress { get; } = new(graph);

    public RateTracker Rate { get; } = new();

    /// <summary>ComfyUI accepted the prompt, so absence from its queue and history means something.</summary>
    public bool Accepted { get; set; }

    public string? CurrentNode { get; set; }

    /// <summary>Frames a node reported directly (a per-frame progress bar), rather than derived.</summary>
    public int? ReportedFrames { get; set; }
}
