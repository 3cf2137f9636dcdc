namespace AnimeProgress.Core.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Bound from <c>AnimeProgress:Database</c>; the connection string is <c>ConnectionStrings:AnimeProduction</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "AnimeProgress:Database";
    public const string ConnectionStringName = "AnimeProduction";
    public const string DefaultSchema = "anime_api";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>PostgreSQL schema of the studio's tables.</summary>
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>
    /// PostgreSQL: apply pending migrations at start-up (under an advisory lock). When false, start-up fails
    /// while migrations are pending; run the <c>migrate</c> command instead.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>Where the embedded SQLite file lives when no connection string is given.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>How often queued snapshot writes are flushed, in one transaction.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>PostgreSQL: how often every active or recently changed row is re-read, in case a notification was lost.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most job writes held in memory while the database is unreachable; terminal states are never dropped.</summary>
    public int MaxPendingWrites { get; set; } = 10_000;
}
