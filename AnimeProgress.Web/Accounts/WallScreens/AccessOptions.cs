namespace AnimeProgress.Web.Accounts.WallScreens;

/// <summary>
/// Bound from <c>AnimeProgress:Access</c>: who may see the dashboard without signing in. Off by default: everyone
/// signs in (after the first start).
/// </summary>
public sealed class AccessOptions
{
    public const string Section = "AnimeProgress:Access";

    /// <summary>
    /// <c>Viewer</c> lets a browser that has not signed in (a TV on the studio wall) see the pages, their live circuit
    /// and the previews. Empty: off. Nothing above Viewer is taken: a browser nobody signed in to must never act.
    /// </summary>
    public string? AnonymousRole { get; set; }

    /// <summary>
    /// Networks (CIDR, e.g. <c>10.20.0.0/24</c>, or single addresses) whose browsers get <see cref="AnonymousRole"/>; empty:
    /// every address that reaches the app. Matched against the client address after the trusted-proxy step.
    /// </summary>
    public List<string> AnonymousNetworks { get; set; } = [];
}
