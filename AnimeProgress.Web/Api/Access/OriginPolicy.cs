using AnimeProgress.Web.Hosting.Edge;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Api.Access;

/// <summary>
/// Which browser pages may open /ws. A WebSocket is not covered by the browser's same-origin rules,
/// so without this check any web page a logged-in operator visits could read the feed. Programs send
/// no Origin and are allowed; pages from the app's public origins (<see cref="PublicOrigins"/>: configured
/// plus loopback) are allowed; others only when listed in <c>AnimeProgress:Api:AllowedOrigins</c>. The Origin is
/// never compared with the request's Host, which a DNS-rebinding page controls.
/// </summary>
public sealed class OriginPolicy(IOptions<ApiOptions> options, PublicOrigins publicOrigins)
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

        return publicOrigins.Contains(origin) || _allowed.Contains(Normalize(origin));
    }

    public static bool IsValidEntry(string? entry) => entry == "*" || PublicOrigins.Parse(entry) is not null;

    private static string Normalize(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : origin;
}
