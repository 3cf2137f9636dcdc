using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.History;

/// <summary>One recorded point of a job's progress (a <c>progress_history</c> row, or a live snapshot on the detail page).</summary>
public sealed record ProgressSample(DateTimeOffset At, double Percent, string Stage, double? Rate);

/// <summary>A job with the samples recorded for it.</summary>
public sealed record JobHistory(JobSnapshot Job, IReadOnlyList<ProgressSample> Samples);

/// <summary>What the history page asks for. Only finished jobs are listed; null means "any".</summary>
public sealed record HistoryFilter
{
    /// <summary>Completed, failed or cancelled; null lists all three.</summary>
    public JobStatus? Status { get; init; }

    public JobKind? Kind { get; init; }

    public string? Instance { get; init; }

    /// <summary>Matched against the title (case-insensitive on SQLite) and, exactly, the ComfyUI prompt id.</summary>
    public string? Text { get; init; }

    /// <summary>Finished at or after this moment.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Finished before this moment.</summary>
    public DateTimeOffset? To { get; init; }
}

/// <summary>Columns the history table can sort by, all indexed or cheap in the database.</summary>
public enum HistorySort
{
    Finished,
    Created,
    Title,
    Status,
    Instance,
}

public sealed record HistoryResults(IReadOnlyList<JobSnapshot> Jobs, int Total);

public sealed record HourCount(DateTimeOffset Hour, int Completed, int Failed);

public sealed record StageAverage(string Stage, TimeSpan Average, int Jobs);

/// <param name="Workflow">The grouping key shown to operators (see <see cref="HistoryStats.WorkflowMeaning"/>).</param>
public sealed record WorkflowAverage(string Workflow, int Jobs, int Failed, TimeSpan? AverageRun);

/// <summary>Aggregates over the filtered finished jobs.</summary>
/// <param name="Truncated">True when more jobs matched than the aggregates read (the newest were kept).</param>
public sealed record HistoryStats(
    int Jobs,
    IReadOnlyList<HourCount> Throughput,
    IReadOnlyList<StageAverage> Stages,
    IReadOnlyList<WorkflowAverage> Workflows,
    bool Truncated)
{
    /// <summary>
    /// The database keeps no workflow key per job yet, so "workflow" here is the job's kind on one
    /// ComfyUI instance: jobs of one pipeline usually share both.
    /// </summary>
    public const string WorkflowMeaning =
        "Workflow = the graph's structure (node types and links, not prompts or seeds); jobs stored without one are grouped by kind and instance.";

    public static HistoryStats Empty { get; } = new(0, [], [], [], false);
}
