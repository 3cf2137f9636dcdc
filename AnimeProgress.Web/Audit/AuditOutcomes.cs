namespace AnimeProgress.Web.Audit;

/// <summary>How an audited action ended, as stored in <c>audit_log.outcome</c>.</summary>
public static class AuditOutcomes
{
    /// <summary>Done.</summary>
    public const string Ok = "ok";

    /// <summary>Not allowed: a missing scope or role, a wrong password.</summary>
    public const string Refused = "refused";

    /// <summary>Allowed, but it did not work (ComfyUI rejected the job, the database failed).</summary>
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> All = [Ok, Refused, Failed];
}
