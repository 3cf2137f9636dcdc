namespace AnimeProgress.Web.Accounts.Administration;

/// <summary>The one rule for a new account's name, shared by the admin page and the CLI: trimmed, 1 to 64 characters.</summary>
public static class AccountNames
{
    public const int MaxLength = 64;

    /// <returns>Why the name cannot be used, or null when it can (after trimming).</returns>
    public static string? Problem(string? name)
    {
        var length = name?.Trim().Length ?? 0;
        return length is 0 or > MaxLength ? $"the account's name must be 1 to {MaxLength} characters (got {length})" : null;
    }
}
