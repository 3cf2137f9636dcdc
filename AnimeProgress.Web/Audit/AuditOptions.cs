namespace AnimeProgress.Web.Audit;

/// <summary>Bound from <c>AnimeProgress:Audit</c>: how audit entries reach the database. (Retention is set on /admin/audit.)</summary>
public sealed class AuditOptions
{
    public const string Section = "AnimeProgress:Audit";

    /// <summary>Entries waiting for the writer. Past it, a request waits for room (up to <see cref="MaxWait"/>).</summary>
    public int BufferSize { get; set; } = 1024;

    /// <summary>
    /// The longest a request waits for room in a full buffer (a database outage). Past it the entry is written to the
    /// structured log at Critical level instead, so it is never silently lost, and the request goes on.
    /// </summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(5);
}
