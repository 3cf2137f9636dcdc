using System.Net.WebSockets;
using System.Text;
using AnimeProgress.Core.Resilience;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.ComfyUi.Loops;

/// <summary>
/// The WebSocket under AnimeProgress's own client id (so jobs it submits report everything, reference §3),
/// reconnecting with capped, jittered backoff. Every parsed event goes to the observer; a <c>status</c>
/// message (and every connect) tells the queue poller to read the queue.
/// </summary>
internal sealed partial class SocketReader(ComfyUiConnection connection, ILogger logger) : IInstanceLoop
{
    private static readonly byte[] FeatureFlags = Encoding.UTF8.GetBytes("""{"type":"feature_flags","data":{"supports_preview_metadata":true}}""");

    private readonly ReconnectBackoff _backoff = new(connection.Options.ReconnectInitialDelay, connection.Options.ReconnectMaxDelay);

    public string Name => "socket";

    private ComfyUiInstance Instance => connection.Instance;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            string? error = null;
            // A fresh socket each time, created only after the previous one is closed (the clientId pitfall, reference §2).
            using (var socket = new ClientWebSocket())
            {
                socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
                try
                {
                    using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                    {
                        connectTimeout.CancelAfter(connection.Options.RequestTimeout);
                        await socket.ConnectAsync(Instance.WebSocketUrl(connection.ClientId), connectTimeout.Token);
                    }

                    await socket.SendAsync(FeatureFlags, WebSocketMessageType.Text, true, cancellationToken);
                    // Before the instance counts as online, so the reconcile every connect starts already knows what it may use.
                    await connection.DetectFeaturesAsync(cancellationToken);
                    attempt = 0;
                    connection.IsOnline = true;
                    connection.Tap?.Connected(Instance.Name);
                    await connection.Observer.ObserveAsync(new InstanceConnected(Instance.Name, Instance.DisplayUrl), cancellationToken);
                    LogConnected(Instance.Name, Instance.DisplayUrl);
                    connection.QueueSignal.Signal();
                    await ReceiveAsync(socket, cancellationToken);
                    error = "ComfyUI closed the connection";
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is WebSocketException or HttpRequestException or OperationCanceledException or IOException)
                {
                    error = ex.Message;
                }
                finally
                {
                    if (connection.IsOnline)
                    {
                        connection.Tap?.Disconnected(Instance.Name);
                    }

                    connection.IsOnline = false;
                    await CloseQuietlyAsync(socket);
                }
            }

            var delay = _backoff.DelayFor(attempt++);
            LogDisconnected(Instance.Name, error, attempt, delay.TotalSeconds);
            await connection.Observer.ObserveAsync(
                new InstanceDisconnected(Instance.Name, Instance.DisplayUrl, error, attempt, connection.Time.GetUtcNow() + delay), cancellationToken);
            try
            {
                await Task.Delay(delay, connection.Time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var frames = new FrameReader(socket, connection.Options.MaxFrameBytes);
        while (socket.State == WebSocketState.Open)
        {
            var frame = await frames.ReadAsync(cancellationToken);
            if (frame.Closed)
            {
                return;
            }

            await connection.AcceptFrameAsync(frame.Type, frames.Payload, frame.Oversized, cancellationToken);
        }
    }

    private static async Task CloseQuietlyAsync(ClientWebSocket socket)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "reconnecting", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
            {
                socket.Abort();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ComfyUI {Instance} connected at {BaseUrl}")]
    private partial void LogConnected(string instance, Uri baseUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ComfyUI {Instance} offline ({Error}); attempt {Attempt}, retrying in {DelaySeconds:0.0} s")]
    private partial void LogDisconnected(string instance, string? error, int attempt, double delaySeconds);
}
