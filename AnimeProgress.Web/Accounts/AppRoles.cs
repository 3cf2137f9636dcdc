namespace AnimeProgress.Web.Accounts;

/// <summary>
/// The three roles, each including the one before: a Viewer sees; an Operator also controls jobs and queues; an Admin
/// also manages users, keys, settings and the audit log. An account has one of them (stored as an Identity role).
/// </summary>
public static class AppRoles
{
    public const string Viewer = "Viewer";
    public const string Operator = "Operator";
    public const string Admin = "Admin";

    /// <summary>From least to most allowed.</summary>
    public static readonly IReadOnlyList<string> All = [Viewer, Operator, Admin];

    /// <summary>The role's own spelling for a name given in any case (<c>admin</c> → <c>Admin</c>), or null.</summary>
    public static string? Parse(string? name) =>
        All.FirstOrDefault(r => string.Equals(r, name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
