namespace AnimeProgress.Web.Jobs.ReadModel;

public sealed record HourCount(DateTimeOffset Hour, int Completed, int Failed);

public sealed record StageAverage(string Stage, TimeSpan Average, int Jobs);

/// <param name="Workflow">The grouping key shown to operators (see <see cref="HistoryStats.WorkflowMeaning"/>).</param>
public sealed record WorkflowAverage(string Workflow, int Jobs, int Failed, TimeSpan? AverageRun);

/// <summary>Aggregates over the filtered finished jobs (<see cref="JobStatistics"/>).</summary>
/// <param name="Jobs">How many jobs the aggregates read: all that matched, or the newest <see cref="JobStatistics.MaxJobs"/>.</param>
/// <param name="Truncated">True when more jobs matched than the aggregates read (the newest were kept).</param>
public sealed record HistoryStats(
    int Jobs,
    IReadOnlyList<HourCount> Throughput,
    IReadOnlyList<StageAverage> Stages,
    IReadOnlyList<WorkflowAverage> Workflows,
    bool Truncated)
{
    /// <summary>
    /// "Workflow" is the graph's structure; rows other programs wrote without one are grouped by the job's kind on
    /// one ComfyUI instance: jobs of one pipeline usually share both.
    /// </summary>
    public const string WorkflowMeaning =
        "Workflow = the graph's structure (node types and links, not prompts or seeds); jobs stored without one are grouped by kind and instance.";

    public static HistoryStats Empty { get; } = new(0, [], [], [], false);
}
