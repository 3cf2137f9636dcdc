using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AnimeProgress.ComfyUiEmulator.Http;

/// <summary>
/// How many requests each route answered, for tests that must see which API a client used (the job API's cancel
/// instead of delete and interrupt, say). Keyed by method and route pattern ("POST /api/jobs/{job_id}/cancel"; the
/// /api-prefixed copies count under their own pattern), so the count of keys is bounded by the routes.
/// </summary>
internal sealed class RequestCounts
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Requests refused for <c>Sec-Fetch-Site: cross-site</c> (newer servers only).</summary>
    private int _crossSite;

    public int CrossSiteRefusals => Volatile.Read(ref _crossSite);

    public void CrossSiteRefused() => Interlocked.Increment(ref _crossSite);

    public int Of(string method, string routePattern) => _counts.GetValueOrDefault(method + " " + routePattern);

    public void Count(HttpContext context)
    {
        if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern })
        {
            _counts.AddOrUpdate(context.Request.Method + " " + pattern, 1, (_, n) => n + 1);
        }
    }
}
