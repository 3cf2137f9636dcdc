using System.Diagnostics;

namespace AnimeProgress.Web.Relay;

/// <summary>
/// For clients that cannot set a header: <c>/comfyui/k/{key}/{instance}/…</c> is <c>/comfyui/{instance}/…</c> with
/// <c>Authorization: Bearer {key}</c>. Runs before anything logs or traces the path, and puts the path without the key
/// in its place (also on the request's trace), so the key is not written to this server's logs. It still travels in
/// the URL, so any proxy in between and the client's own history can keep it: docs/relay.md says so.
/// </summary>
public static class RelayKeyInUrl
{
    public const string Prefix = "/comfyui/k";

    public static IApplicationBuilder UseRelayKeyInUrl(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase, out var rest)
            && rest.Value is { Length: > 1 } value)
        {
            var slash = value.IndexOf('/', 1);
            var key = slash < 0 ? value[1..] : value[1..slash];
            var path = "/comfyui" + (slash < 0 ? "/" : value[slash..]);
            context.Request.Path = path;
            if (context.Request.Headers.Authorization.Count == 0)
            {
                context.Request.Headers.Authorization = "Bearer " + Uri.UnescapeDataString(key);
            }

            Activity.Current?.SetTag("url.path", path);
            Activity.Current?.DisplayName = context.Request.Method + " " + path;
        }

        return next(context);
    });
}
