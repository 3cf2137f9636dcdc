using Microsoft.AspNetCore.Identity;

namespace AnimeProgress.Web.Accounts.Administration;

/// <summary>
/// How an Admin disables an account without a schema change: Identity's own lockout, with an end no lockout after
/// wrong passwords ever reaches. Everything that already refuses a locked account (sign-in, the cookie check, API keys
/// of the account, the session sweep) therefore refuses a disabled one too. A fixed date rather than
/// <see cref="DateTimeOffset.MaxValue"/>: PostgreSQL drivers turn the maximum into <c>infinity</c>.
/// </summary>
public static class DisabledAccounts
{
    public static readonly DateTimeOffset Until = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A lockout end this far away was set by an Admin, not by wrong passwords.</summary>
    public static bool IsDisabled(DateTimeOffset? lockoutEnd) => lockoutEnd is { } end && end >= Until;

    /// <summary>A lockout after wrong passwords that has not ended yet.</summary>
    public static bool IsLockedOut(DateTimeOffset? lockoutEnd, DateTimeOffset now) => lockoutEnd is { } end && end > now && !IsDisabled(end);

    public static bool IsDisabled(IdentityUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return IsDisabled(user.LockoutEnd);
    }
}
