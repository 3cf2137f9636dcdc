namespace AnimeProgress.Web.Hosting.Edge;

/// <summary>
/// Bound from <c>AnimeProgress:Network</c>: how the app is reached on a studio network. The defaults suit one desk
/// (loopback only); each entry opens exactly one more way in.
/// </summary>
public sealed class NetworkOptions
{
    public const string Section = "AnimeProgress:Network";

    /// <summary>
    /// The origins people open the app at, e.g. <c>https://progress.studio.example</c> (scheme, host, optional port).
    /// Browser pages from these origins (and from loopback) may open /ws and Blazor circuits; their host names are
    /// added to <c>AllowedHosts</c>.
    /// </summary>
    public List<string> PublicOrigins { get; set; } = [];

    /// <summary>
    /// Reverse proxies whose <c>X-Forwarded-For/Proto/Host</c> are believed: single addresses (<c>10.0.0.5</c>)
    /// or networks (<c>10.0.0.0/24</c>). Empty: forwarded headers are ignored from everyone.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary><c>Strict-Transport-Security</c> max-age for HTTPS responses outside Development; zero sends none.</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);
}
