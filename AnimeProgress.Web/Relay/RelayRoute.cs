namespace AnimeProgress.Web.Relay;

/// <summary>What a relay request asks for, read from its path under <c>/comfyui/{instance}/</c> and its method.</summary>
public enum RelayRouteKind
{
    /// <summary>Passed through to the instance (reading, uploads, anything else).</summary>
    Proxy,

    /// <summary><c>/ws</c>: the relay's own socket for the client (<see cref="RelaySockets"/>).</summary>
    Socket,

    /// <summary><c>POST /prompt</c>: submitted under AnimeProgress's client id (<see cref="PromptRelay"/>).</summary>
    Prompt,

    /// <summary>Acts on work that may be someone else's: <c>/interrupt</c>, <c>POST /queue</c>, <c>/free</c>, job cancels.</summary>
    ActOnWork,
}

/// <param name="Instance">The instance's name, as configured.</param>
/// <param name="Path">The path on the instance, without a leading slash (<c>history/abc</c>, <c>api/queue</c>).</param>
/// <param name="Route">The path without ComfyUI's optional <c>api/</c> prefix (every route answers under both, reference §1).</param>
public sealed record RelayRoute(string Instance, string Path, string Route, RelayRouteKind Kind)
{
    /// <summary>Reads <c>/{instance}/{path}</c> (the branch's path, <c>/comfyui</c> already removed); null without an instance.</summary>
    public static RelayRoute? Parse(PathString branchPath, string method)
    {
        var value = branchPath.Value ?? "";
        var parts = value.TrimStart('/').Split('/', 2);
        if (parts[0].Length == 0)
        {
            return null;
        }

        var path = parts.Length > 1 ? parts[1] : "";
        var route = path.StartsWith("api/", StringComparison.Ordinal) ? path[4..] : path;
        return new RelayRoute(Uri.UnescapeDataString(parts[0]), path, route, KindOf(route, method));
    }

    /// <summary>
    /// The address on the instance: its base address with the path appended as text (never resolved as a relative
    /// URI, which would let <c>//host/…</c> or <c>http:…</c> point elsewhere); null when it would leave the instance's
    /// scheme, host, port or base path (dot segments, backslashes).
    /// </summary>
    public static Uri? Target(Uri instanceBase, string path, string? query)
    {
        if (path.Contains('\\', StringComparison.Ordinal)
            || !Uri.TryCreate(instanceBase.AbsoluteUri + path + query, UriKind.Absolute, out var target))
        {
            return null;
        }

        return target.Scheme == instanceBase.Scheme
            && target.Authority == instanceBase.Authority
            && target.AbsolutePath.StartsWith(instanceBase.AbsolutePath, StringComparison.Ordinal)
            ? target
            : null;
    }

    private static RelayRouteKind KindOf(string route, string method)
    {
        if (route == "ws")
        {
            return RelayRouteKind.Socket;
        }

        if (!HttpMethods.IsPost(method))
        {
            return RelayRouteKind.Proxy;
        }

        if (route == "prompt")
        {
            return RelayRouteKind.Prompt;
        }

        return route is "interrupt" or "queue" or "free" or "jobs/cancel"
            || (route.StartsWith("jobs/", StringComparison.Ordinal) && route.EndsWith("/cancel", StringComparison.Ordinal))
            ? RelayRouteKind.ActOnWork
            : RelayRouteKind.Proxy;
    }
}
