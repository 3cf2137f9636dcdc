namespace AnimeProgress.Web.Hosting.Edge;

/// <summary>
/// The /ws origin rule for Blazor circuits (<c>/_blazor</c>): a browser page from an origin that is not one of the
/// app's public origins (or loopback) cannot open a circuit, so a DNS-rebinding page cannot drive the dashboard.
/// Requests without an Origin (none from a browser's circuit) pass on to the framework.
/// </summary>
internal sealed partial class CircuitOriginGuard(RequestDelegate next, PublicOrigins origins, ILogger<CircuitOriginGuard> logger)
{
    public const string CircuitPath = "/_blazor";

    public async Task InvokeAsync(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (!string.IsNullOrEmpty(origin) && !origins.Contains(origin))
        {
            LogRefused(origin, context.Connection.RemoteIpAddress?.ToString());
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync(OriginRefusal.Sentence(origin), context.RequestAborted);
            return;
        }

        await next(context);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dashboard connection from origin {Origin} ({RemoteAddress}) refused: not one of AnimeProgress:Network:PublicOrigins")]
    private partial void LogRefused(string origin, string? remoteAddress);
}
