using System.Net.WebSockets;
using System.Text.Json;
using AnimeProgress.Core.ComfyUi;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Relay;

/// <summary>
/// <c>/ws?clientId=X</c> on the relay: accepts the client's socket, greets it as ComfyUI does and hands it its messages
/// (<see cref="RelaySockets"/>). Without a clientId the relay makes one up, as ComfyUI does (32 hex digits). While the
/// instance is offline the upgrade is answered 502 with a sentence, as a proxy in front of a stopped server would.
/// </summary>
public sealed partial class RelaySocketEndpoint(
    RelaySockets sockets, RelayHttp http, IOptions<RelayOptions> options, IHostApplicationLifetime lifetime, TimeProvider time, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger<RelaySocketEndpoint>();

    public async Task HandleAsync(HttpContext context, ComfyUiConnection connection)
    {
        var instance = connection.Instance.Name;
        if (!connection.IsOnline)
        {
            await RelayErrors.WriteAsync(context, StatusCodes.Status502BadGateway, RelayErrors.Unreachable(instance));
            return;
        }

        if (sockets.FeaturesJson(instance) is null)
        {
            await ReadFeaturesAsync(connection.Instance, context.RequestAborted);
        }

        var clientId = context.Request.Query["clientId"].ToString() is { Length: > 0 } given ? given : Guid.NewGuid().ToString("N");
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var client = new RelayClient(socket, clientId, options.Value.ClientBufferBytes, time, _logger);
        sockets.Attach(instance, client);
        LogOpened(instance, clientId);
        // On shutdown the client is told, as a stopping server tells it, and the request ends so the host can stop.
        using var stopping = lifetime.ApplicationStopping.Register(() => client.Close(WebSocketCloseStatus.EndpointUnavailable, "AnimeProgress is shutting down"));
        try
        {
            await client.RunAsync((_, _) => sockets.FeaturesJson(instance) is { } flags ? RelayMessages.FeatureFlags(flags) : null, context.RequestAborted);
        }
        finally
        {
            sockets.Detach(instance, client);
            LogClosed(instance, clientId, client.Overflowed);
        }
    }

    /// <summary>The instance's <c>/features</c>, once per connection, for the answer to a client's feature_flags.</summary>
    internal async Task ReadFeaturesAsync(ComfyUiInstance instance, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            using var request = new HttpRequestMessage(HttpMethod.Get, RelayRoute.Target(instance.DisplayUrl, "features", null));
            request.Headers.Authorization = RelayHttp.BasicAuthOf(instance);
            using var response = await http.Invoker.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            if (response.IsSuccessStatusCode && text.Length <= 64 * 1024 && IsObject(text))
            {
                sockets.RememberFeatures(instance.Name, text.Trim());
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            LogNoFeatures(instance.Name, ex.Message);
        }
    }

    private static bool IsObject(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Relay socket for client {ClientId} on {Instance} opened")]
    private partial void LogOpened(string instance, string clientId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Relay socket for client {ClientId} on {Instance} closed (overflowed: {Overflowed})")]
    private partial void LogClosed(string instance, string clientId, bool overflowed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay could not read /features of {Instance}: {Error}; a client's feature_flags gets no answer")]
    private partial void LogNoFeatures(string instance, string error);
}
