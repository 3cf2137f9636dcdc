namespace AnimeProgress.Web.Keys;

/// <summary>
/// Where a key is read from: <c>Authorization: Bearer</c> on the API (/api, /ws), the relay (/comfyui), /readyz and /metrics; on /ws alone also
/// <c>?access_token=</c>, since a browser's WebSocket cannot set headers. Not on pages, the circuit or preview images:
/// those need a sign-in, and a key is not one.
/// </summary>
public static class ApiKeyRequests
{
    public const string QueryParameter = "access_token";

    public static bool AcceptsKeys(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path;
        return (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) && !IsPreview(path))
            || IsWebSocket(request)
            || path.StartsWithSegments("/readyz", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase)
            || IsRelay(request);
    }

    /// <summary>The key sent with a request where keys are taken, or null.</summary>
    public static string? Presented(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!AcceptsKeys(request))
        {
            return null;
        }

        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return IsWebSocket(request) && request.Query[QueryParameter].ToString() is { Length: > 0 } query ? query : null;
    }

    /// <summary>Whether the request sent anything as a key (even an empty or malformed one).</summary>
    public static bool SentAKey(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers.Authorization.Count > 0 || (IsWebSocket(request) && request.Query.ContainsKey(QueryParameter));
    }

    // The ComfyUI relay (issue 17): a key, never the sign-in cookie (Web/Relay/RelayAccess). Read as the whole request
    // path, also inside the relay's own branch.
    private static bool IsRelay(HttpRequest request) =>
        (request.PathBase + request.Path).StartsWithSegments("/comfyui", StringComparison.OrdinalIgnoreCase);

    private static bool IsWebSocket(HttpRequest request) => request.Path.StartsWithSegments("/ws", StringComparison.OrdinalIgnoreCase);

    // The dashboard shows previews with a plain <img>, which carries the sign-in cookie and never a key.
    private static bool IsPreview(PathString path) =>
        path.Value is { } value
        && value.EndsWith("/preview", StringComparison.OrdinalIgnoreCase)
        && value.StartsWith("/api/jobs/", StringComparison.OrdinalIgnoreCase);
}
