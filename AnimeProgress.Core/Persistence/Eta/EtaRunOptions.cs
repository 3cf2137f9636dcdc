namespace AnimeProgress.Core.Persistence.Eta;

/// <summary>Bound from <c>AnimeProgress:Eta</c>: how much of the ETA engine's stored run history is loaded and held.</summary>
public sealed class EtaRunOptions
{
    public const string Section = "AnimeProgress:Eta";

    /// <summary>
    /// Most finished runs kept in <c>eta_runs</c> and loaded at start, the newest (besides, each workflow on each
    /// machine keeps only as many as the engine remembers of it, its newest 50).
    /// </summary>
    public int MaxStoredRuns { get; set; } = 2_000;

    /// <summary>Most finished runs held in memory while the database is unreachable; the oldest go first.</summary>
    public int MaxPendingRuns { get; set; } = 1_000;

    /// <summary>
    /// How often a node that does not ingest reads the runs the leader wrote since its last read, so that every node
    /// holds the same history and a node taking over does not start from what it loaded at its own start.
    /// </summary>
    public TimeSpan FollowInterval { get; set; } = TimeSpan.FromSeconds(5);
}
