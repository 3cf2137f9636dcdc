namespace AnimeProgress.Web.Accounts.Administration;

/// <summary>What kind of account: a person with a password, a person who signs in through single sign-on, or a program's service account.</summary>
public enum AccountKind
{
    Person,
    SingleSignOn,
    Service,
}

/// <summary>One account as the users page lists it: never a password hash, a stamp or a key.</summary>
public sealed record AccountListing(string Id, string Name, AccountKind Kind, string? Role, bool Disabled, DateTimeOffset? LockedUntil)
{
    public bool IsAdmin => Role == AppRoles.Admin;

    /// <summary>What the page says about it: "active", "disabled" or "locked until …".</summary>
    public string State => Disabled ? "disabled" : LockedUntil is { } until
        ? "locked until " + until.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC"
        : "active";
}
