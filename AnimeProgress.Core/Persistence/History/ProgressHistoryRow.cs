namespace AnimeProgress.Core.Persistence.History;

/// <summary>
/// A row of <c>progress_history</c>: one downsampled point of a job's progress. Rows are written on
/// every stage change and at most once per sample interval in between, for charts, stage timelines
/// and ETA priors.
/// </summary>
public sealed class ProgressHistoryRow
{
    public long Id { get; set; }
    public long JobId { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public double Progress { get; set; }

    /// <summary>The stage's display name, as <c>production_jobs.current_stage</c> holds it ("Post-processing").</summary>
    public string Stage { get; set; } = "";

    /// <summary>Smoothed rate in percent per minute; null while unknown.</summary>
    public double? Rate { get; set; }
}
