namespace AnimeProgress.Web.Accounts;

/// <summary>Bound from <c>AnimeProgress:Accounts</c>: sign-in, lockout and password rules of the app's own accounts.</summary>
public sealed class AccountOptions
{
    public const string Section = "AnimeProgress:Accounts";

    /// <summary>Wrong passwords in a row before the account is locked for <see cref="LockoutDuration"/>.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Shortest password accepted by <c>users add</c>. Length is the only rule: no forced digits or symbols
    /// (NIST SP 800-63B: composition rules make passwords weaker and harder to remember, length does not).
    /// </summary>
    public int MinPasswordLength { get; set; } = 12;

    /// <summary>How long a sign-in lasts without activity; each visit in the second half of it renews it.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>The longest a sign-out, role change, lockout or revoked key may go unnoticed by an open page or socket.</summary>
    public static readonly TimeSpan MaxRevalidationInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the one session sweep checks the accounts and keys behind open circuits and /ws sockets, and how old a
    /// sign-in cookie may get before a request checks it again. At most 30 s.
    /// </summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromSeconds(10);
}
