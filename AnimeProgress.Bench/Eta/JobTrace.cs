using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Eta;

internal enum TraceStatus
{
    Queued,
    Running,
    Completed,
    Failed,
}

/// <summary>One observation of a job: seconds since it was submitted, percent (null when not known), stage and status.</summary>
internal readonly record struct TracePoint(double T, double? Percent, Stage Stage, TraceStatus Status);

/// <summary>One job's progress trace, as read from one <c>.jsonl</c> file.</summary>
internal sealed record JobTrace(string Name, JobKind Kind, string? Workflow, string? Instance, IReadOnlyList<TracePoint> Points)
{
    /// <summary>When the job started running (the first running observation); null if it never did.</summary>
    public double? RunStart => Points.FirstOrDefault(p => p.Status == TraceStatus.Running) is { Status: TraceStatus.Running } p ? p.T : null;

    /// <summary>The true finish: the time of the completed line; null for failed or unfinished jobs.</summary>
    public double? Finish => Points.Count > 0 && Points[^1].Status == TraceStatus.Completed ? Points[^1].T : null;

    public bool Failed => Points.Count > 0 && Points[^1].Status == TraceStatus.Failed;

    public JobFacts ToFacts() => new(Kind, Workflow, Instance);
}
