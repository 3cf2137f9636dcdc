using Microsoft.Net.Http.Headers;

namespace AnimeProgress.Web.Relay.Port;

/// <summary>
/// The relay port's first rules. A browser sends the dashboard's sign-in cookie here too (cookies belong to a host,
/// not to a port), so the cookie is dropped before anything reads it, and no answer from this port sets one. Only the
/// relay answers here: the dashboard, its API and its sign-in are 404. And <c>/comfyui/{instance}</c> without its
/// slash is sent to <c>{instance}/</c>, so a frontend's relative addresses stay under the instance's prefix (a
/// relative redirect, so a key in the address is kept).
/// </summary>
internal static class RelayPortGuard
{
    public static IApplicationBuilder UseRelayPortGuard(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Request.Headers.Remove(HeaderNames.Cookie);
        context.Response.OnStarting(static state =>
        {
            ((HttpContext)state).Response.Headers.Remove(HeaderNames.SetCookie);
            return Task.CompletedTask;
        }, context);

        if (!context.Request.Path.StartsWithSegments(RelayRegistration.PathPrefix, StringComparison.OrdinalIgnoreCase, out var rest))
        {
            return TypedResults.Problem(
                    $"This port serves only the ComfyUI relay, at {RelayRegistration.PathPrefix}/<instance>/ (docs/relay.md); the dashboard is on its own address.",
                    statusCode: StatusCodes.Status404NotFound, title: "Not on the relay's port")
                .ExecuteAsync(context);
        }

        if ((HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            && rest.Value is { Length: > 1 } value && value.IndexOf('/', 1) < 0)
        {
            var instance = new PathString(value).ToUriComponent()[1..];
            context.Response.Redirect("./" + instance + "/" + context.Request.QueryString.Value);
            return Task.CompletedTask;
        }

        return next(context);
    });
}
