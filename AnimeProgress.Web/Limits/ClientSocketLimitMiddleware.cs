using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Limits;

/// <summary>
/// Caps the <c>/ws</c> connections one client holds open (<see cref="RequestLimits.MaxSocketsPerClient"/>). A WebSocket
/// lives as long as its request, so the slot is taken around the rest of the pipeline and given back when it ends.
/// The global cap (<c>AnimeProgress:Api:MaxConnections</c>) stays with the /ws server.
/// </summary>
internal sealed partial class ClientSocketLimitMiddleware(
    RequestDelegate next, ClientIdentityResolver clients, IOptions<RequestLimits> options, ILogger<ClientSocketLimitMiddleware> logger)
{
    private readonly ClientConnectionCounter _open = new();
    private readonly RequestLimits _limits = options.Value;

    public async Task InvokeAsync(HttpContext context)
    {
        var client = clients.Resolve(context);
        if (client.IsLocal && _limits.ExemptLoopback)
        {
            await next(context);
            return;
        }

        if (!_open.TryAcquire(client.Key, _limits.MaxSocketsPerClient, out var lease))
        {
            LogRefused(client.Key, _limits.MaxSocketsPerClient);
            await LimitRefusal.WriteAsync(
                context,
                StatusCodes.Status429TooManyRequests,
                "Too many WebSocket connections from this client",
                $"This client already holds {_limits.MaxSocketsPerClient} open /ws connections; close one (one connection can follow every job), "
                + $"or raise {LimitRefusal.Key(nameof(RequestLimits.MaxSocketsPerClient))}.");
            return;
        }

        using (lease)
        {
            await next(context);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket refused: {Client} already holds {MaxSocketsPerClient} connections")]
    private partial void LogRefused(string client, int maxSocketsPerClient);
}
