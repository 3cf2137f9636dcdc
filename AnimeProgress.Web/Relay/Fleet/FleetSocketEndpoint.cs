using System.Net.WebSockets;
using AnimeProgress.Core.ComfyUi;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Relay.Fleet;

/// <summary>
/// <c>/ws?clientId=X</c> on the fleet relay: the same client socket as an instance's relay (<see cref="RelayClient"/>:
/// bounded outbox, ComfyUI's framing, feature_flags), attached to the fleet (<see cref="RelaySockets.AttachFleet"/>). It
/// stays open while instances come and go; a client's feature_flags is answered with the first online instance's flags.
/// </summary>
public sealed partial class FleetSocketEndpoint(
    RelaySockets sockets,
    RelaySocketEndpoint instanceSockets,
    ComfyUiFleet fleet,
    IOptions<RelayOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger<FleetSocketEndpoint>();

    public async Task HandleAsync(HttpContext context)
    {
        var online = fleet.Connections.FirstOrDefault(c => c.IsOnline);
        if (online is not null && sockets.FeaturesJson(online.Instance.Name) is null)
        {
            await instanceSockets.ReadFeaturesAsync(online.Instance, context.RequestAborted);
        }

        var clientId = context.Request.Query["clientId"].ToString() is { Length: > 0 } given ? given : Guid.NewGuid().ToString("N");
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var client = new RelayClient(socket, clientId, options.Value.ClientBufferBytes, time, _logger);
        sockets.AttachFleet(client);
        LogOpened(clientId);
        using var stopping = lifetime.ApplicationStopping.Register(() => client.Close(WebSocketCloseStatus.EndpointUnavailable, "AnimeProgress is shutting down"));
        try
        {
            await client.RunAsync((_, _) => FeatureFlags(), context.RequestAborted);
        }
        finally
        {
            sockets.DetachFleet(client);
            LogClosed(clientId, client.Overflowed);
        }
    }

    private RelayFrame? FeatureFlags() =>
        fleet.Connections.Where(c => c.IsOnline).Select(c => sockets.FeaturesJson(c.Instance.Name)).FirstOrDefault(f => f is not null) is { } flags
            ? RelayMessages.FeatureFlags(flags)
            : null;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fleet relay socket for client {ClientId} opened")]
    private partial void LogOpened(string clientId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fleet relay socket for client {ClientId} closed (overflowed: {Overflowed})")]
    private partial void LogClosed(string clientId, bool overflowed);
}
