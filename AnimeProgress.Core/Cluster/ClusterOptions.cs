namespace AnimeProgress.Core.Cluster;

/// <summary>
/// Bound from <c>AnimeProgress:Cluster</c>. With PostgreSQL several web nodes can share one database:
/// one of them (the leader, holding an advisory lock) ingests from ComfyUI and writes; every node shows
/// what the database says, pushed by LISTEN/NOTIFY.
/// </summary>
public sealed class ClusterOptions
{
    public const string Section = "AnimeProgress:Cluster";

    /// <summary>
    /// Elect one ingesting node through PostgreSQL. Null means "on with PostgreSQL, off with SQLite"
    /// (the embedded file serves one node). Off, this node always ingests.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>How often a follower tries for the lock, and how often the leader checks it still holds it.</summary>
    public TimeSpan LeaseCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Name of this node in logs and in <c>pg_stat_activity</c>; defaults to the machine name and process id.</summary>
    public string? NodeName { get; set; }

    public string EffectiveNodeName => string.IsNullOrWhiteSpace(NodeName) ? $"{Environment.MachineName}-{Environment.ProcessId}" : NodeName;
}
