using System.Net;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Hosting.Edge;

/// <summary>
/// The browser origins the app is served at: <c>AnimeProgress:Network:PublicOrigins</c> plus loopback on any port.
/// A browser's Origin is compared with this list, never with the request's Host: a DNS-rebinding page reaches the
/// app under its own host name, so Host would match it, while its Origin stays the attacker's.
/// </summary>
/// <remarks>
/// Loopback, but not on the relay's own port (AnimeProgress:Relay:Port): the scripts of ComfyUI's frontend and its
/// custom nodes run there, and must not open the dashboard's circuit or /ws with the browser's sign-in cookie. (Any
/// other origin counts only when configured, and the relay's address must never be.)
/// </remarks>
public sealed class PublicOrigins(IOptions<NetworkOptions> options, Relay.Port.RelayPortBinding? relayPort = null)
{
    private readonly HashSet<string> _configured = new(
        options.Value.PublicOrigins.Select(Parse).OfType<Uri>().Select(Key), StringComparer.OrdinalIgnoreCase);

    /// <summary>The host names of the configured origins (for <c>AllowedHosts</c>).</summary>
    public IEnumerable<string> HostNames => options.Value.PublicOrigins.Select(Parse).OfType<Uri>().Select(u => u.Host).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>True for a configured origin or a loopback one (http or https, any port).</summary>
    public bool Contains(string? origin) =>
        Parse(origin) is { } uri && ((IsLoopback(uri) && !IsRelayPort(uri)) || _configured.Contains(Key(uri)));

    private bool IsRelayPort(Uri uri) => relayPort is { Port: > 0 and var port } && uri.Port == port;

    /// <summary>An origin: http or https, a host, an optional port, nothing else. Null when it is not one.</summary>
    public static Uri? Parse(string? origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)
        && string.IsNullOrEmpty(uri.UserInfo) && !origin!.EndsWith('/')
            ? uri
            : null;

    private static string Key(Uri uri) => uri.GetLeftPart(UriPartial.Authority);

    // Only literal loopback names: "localhost" and 127.0.0.0/8 or ::1 never come from a rebinding page's own origin.
    private static bool IsLoopback(Uri uri) =>
        string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
