namespace AnimeProgress.Web.Accounts.Sessions;

/// <summary>An account as the sweep reads it.</summary>
public sealed record AccountState(string? SecurityStamp, DateTimeOffset? LockoutEnd, string Roles);

/// <summary>A key as the sweep reads it.</summary>
public sealed record KeyState(DateTimeOffset? RevokedAt, DateTimeOffset? ExpiresAt);

/// <summary>
/// Whether an open session may stay, judged against the accounts and keys the sweep read; the reason is what the
/// person or program is told (short: it is also a WebSocket close reason, at most 123 bytes).
/// </summary>
public static class SessionChecks
{
    public const string KeyRevoked = "The API key was revoked.";
    public const string KeyExpired = "The API key expired.";
    public const string AccountDeleted = "The account was deleted.";
    public const string AccountLocked = "The account is locked or disabled.";
    public const string SignedOut = "You were signed out.";
    public const string RoleChanged = "Your role changed.";
    public const string FirstStartOver = "An account now exists: please sign in.";

    /// <returns>Why the session must end, or null when it may stay.</returns>
    public static string? Reason(
        SessionCredentials session, IReadOnlyDictionary<string, AccountState> accounts, IReadOnlyDictionary<long, KeyState> keys, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(keys);
        if (session.KeyId is { } keyId)
        {
            if (!keys.TryGetValue(keyId, out var key) || key.RevokedAt is not null)
            {
                return KeyRevoked;
            }

            if (key.ExpiresAt is { } expires && expires <= now)
            {
                return KeyExpired;
            }
        }

        if (!accounts.TryGetValue(session.UserId, out var account))
        {
            return AccountDeleted;
        }

        if (account.LockoutEnd is { } locked && locked > now)
        {
            return AccountLocked;
        }

        // A key carries no stamp: signing out of the browser does not end the owner's scripts.
        if (session.SecurityStamp is not null && !string.Equals(session.SecurityStamp, account.SecurityStamp, StringComparison.Ordinal))
        {
            return SignedOut;
        }

        return string.Equals(session.Roles, account.Roles, StringComparison.Ordinal) ? null : RoleChanged;
    }
}
