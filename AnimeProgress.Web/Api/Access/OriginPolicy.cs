using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Api.Access;

/// <summary>
/// Which browser pages may open /ws. A WebSocket is not covered by the browser's same-origin rules,
/// so without this check any web page a logged-in operator visits could read the feed. Programs send
/// no Origin and are allowed; the app's own pages are allowed; others only when listed.
/// </summary>
public sealed class OriginPolicy(IOptions<ApiOptions> options)
{
    private readonly bool _anyOrigin = options.Value.AllowedOrigins.Contains("*");
    private readonly HashSet<string> _allowed = new(options.Value.AllowedOrigins.Where(o => o != "*").Select(Normalize), StringComparer.OrdinalIgnoreCase);

    public bool IsAllowed(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin) || _anyOrigin)
        {
            return true;
        }

        return IsSameOrigin(origin, request.Host) || _allowed.Contains(Normalize(origin));
    }

    public static bool IsValidEntry(string? entry) =>
        entry == "*"
        || (Uri.TryCreate(entry, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && !entry.EndsWith('/'));

    /// <summary>
    /// The page was served by this app: same host and port. The scheme is not compared, because
    /// behind a TLS-terminating proxy the page is https while the request reaching us is http.
    /// </summary>
    private static bool IsSameOrigin(string origin, HostString host)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || !host.HasValue)
        {
            return false;
        }

        return string.Equals(uri.Host, host.Host, StringComparison.OrdinalIgnoreCase)
            && (host.Port is not { } port || port == uri.Port);
    }

    private static string Normalize(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : origin;
}
