namespace AnimeProgress.Core.Persistence.History;

/// <summary>Bound from <c>AnimeProgress:History</c>.</summary>
public sealed class ProgressHistoryOptions
{
    public const string Section = "AnimeProgress:History";

    /// <summary>At most one sample per job per interval between stage changes.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often recorded samples are written, in one transaction.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most samples held in memory while the database is unreachable; the oldest go first.</summary>
    public int MaxPendingSamples { get; set; } = 20_000;

    // Downsampling and retention (issue 15 item 5): a million jobs must not mean a billion samples.

    /// <summary>Jobs finished less than this long ago keep every sample (charts of recent work at full detail).</summary>
    public TimeSpan FullDetailFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Older finished jobs keep one sample per this interval, plus their first and last sample and the first and last
    /// of every stage (stage timelines and ETA stage averages stay exact).
    /// </summary>
    public TimeSpan ThinnedInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Samples recorded longer ago than this are deleted; 0 keeps them for ever (thinned).</summary>
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromDays(180);

    /// <summary>How often the leader thins and deletes (and once when it starts leading).</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Jobs thinned per batch; expired samples go ten times this many per statement. Short transactions that never hold the table long.</summary>
    public int RetentionBatchSize { get; set; } = 500;
}
