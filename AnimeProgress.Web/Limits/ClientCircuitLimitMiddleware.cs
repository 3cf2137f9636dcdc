using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Limits;

/// <summary>
/// Caps the dashboard circuits one client holds (<see cref="RequestLimits.MaxCircuitsPerClient"/>). A Blazor Server
/// circuit lives on one connection to <c>/_blazor</c> (a WebSocket whose request lasts as long as the tab is connected),
/// preceded by a <c>/_blazor/negotiate</c> POST. The connection's request holds the client's slot; both the negotiate
/// and the connection of a client already at the cap are refused with 429, before a circuit is built for it.
/// A circuit whose tab went away is no longer counted here; Blazor keeps at most
/// <c>DisconnectedCircuitMaxRetained</c> of those for everyone together.
/// </summary>
internal sealed partial class ClientCircuitLimitMiddleware(
    RequestDelegate next, ClientIdentityResolver clients, IOptions<RequestLimits> options, ILogger<ClientCircuitLimitMiddleware> logger)
{
    public const string HubPath = "/_blazor";

    private readonly ClientConnectionCounter _open = new();
    private readonly RequestLimits _limits = options.Value;

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var connection = path.Equals(HubPath, StringComparison.OrdinalIgnoreCase);
        var negotiate = path.Equals(HubPath + "/negotiate", StringComparison.OrdinalIgnoreCase);
        var client = connection || negotiate ? clients.Resolve(context) : default;
        if ((!connection && !negotiate) || (client.IsLocal && _limits.ExemptLoopback))
        {
            await next(context);
            return;
        }

        if (negotiate)
        {
            if (_open.OpenBy(client.Key) >= _limits.MaxCircuitsPerClient)
            {
                await RefuseAsync(context, client);
                return;
            }

            await next(context);
            return;
        }

        if (!_open.TryAcquire(client.Key, _limits.MaxCircuitsPerClient, out var lease))
        {
            await RefuseAsync(context, client);
            return;
        }

        using (lease)
        {
            await next(context);
        }
    }

    private Task RefuseAsync(HttpContext context, ClientIdentity client)
    {
        LogRefused(client.Key, _limits.MaxCircuitsPerClient);
        return LimitRefusal.WriteAsync(
            context,
            StatusCodes.Status429TooManyRequests,
            "Too many dashboard tabs from this client",
            $"This client already has {_limits.MaxCircuitsPerClient} dashboard tabs connected (Blazor circuits); close some, "
            + $"or raise {LimitRefusal.Key(nameof(RequestLimits.MaxCircuitsPerClient))}.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dashboard connection refused: {Client} already holds {MaxCircuitsPerClient} circuits")]
    private partial void LogRefused(string client, int maxCircuitsPerClient);
}
