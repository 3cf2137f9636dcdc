namespace AnimeProgress.Core.Persistence.Audit;

/// <summary>
/// A row of <c>audit_log</c> (issue 14 item 10): who did what, when, from where, and how it ended. Append-only: the app
/// inserts rows and deletes them only by the retention period an Admin sets; it never updates one.
/// </summary>
public sealed class AuditEntryRow
{
    public const string Table = "audit_log";

    public const int NameMaxLength = 256;
    public const int ActionMaxLength = 64;
    public const int TargetMaxLength = 256;
    public const int DetailMaxLength = 500;

    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>user, key, anonymous, system or cli (<c>AuditActorKinds</c> in the web project).</summary>
    public string ActorKind { get; set; } = "anonymous";

    /// <summary>The account's id (Identity's), for a user or a key's owner.</summary>
    public string? ActorId { get; set; }

    /// <summary>The account's name, a key's owner, or the operating-system user of a CLI command.</summary>
    public string? ActorName { get; set; }

    public long? KeyId { get; set; }

    public string? KeyPrefix { get; set; }

    /// <summary>The client's address after trusted-proxy processing (the app's own view of the caller).</summary>
    public string? ClientAddress { get; set; }

    /// <summary>job.submit, signin, signin.failed, signout, key.create, key.revoke, user.create, audit.retention, …</summary>
    public string Action { get; set; } = "";

    /// <summary>What the action was on: a job id, an account's name, a key's prefix; null when nothing in particular.</summary>
    public string? Target { get; set; }

    /// <summary>ok, refused or failed.</summary>
    public string Outcome { get; set; } = "ok";

    /// <summary>A short reason or note; never a password or a key's secret.</summary>
    public string? Detail { get; set; }
}
