namespace AnimeProgress.Core.Persistence;

/// <summary>
/// How a job's version survives a restart (issue 13). The version is stored with every write (<c>production_jobs.version</c>);
/// a restarted node goes on from above it. A crash loses the versions published after the last write, so the restart
/// also goes past the restart time in milliseconds since 1970: a job changes far less than once per millisecond, so
/// no version published before the restart can be that high, even one that never reached the database.
/// </summary>
internal static class StoredVersions
{
    /// <summary>The version a job read back at start continues from: above its stored one and at least the start time.</summary>
    public static long AfterRestart(long stored, DateTimeOffset now) => Math.Max(Math.Max(stored, 0) + 1, now.ToUnixTimeMilliseconds());

    /// <summary>
    /// A row changed by another node or program, shown by this one: the row's own version when it is ahead, else one
    /// past what this node showed (another program changed the row without counting on its version).
    /// </summary>
    public static long Shown(long rowVersion, long? current) => Math.Max(rowVersion, (current ?? 0) + 1);
}
