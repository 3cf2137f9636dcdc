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
}
