using System.Net.WebSockets;
using System.Threading.Channels;

namespace AnimeProgress.ComfyUiEmulator.WebSockets;

/// <summary>
/// One accepted socket. Frames go through an unbounded channel drained by a single writer, so a
/// socket receives messages in exactly the order they were generated (as ComfyUI's publish loop
/// does) and sends never overlap.
/// </summary>
internal sealed class ClientConnection
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);
    private readonly Channel<OutgoingFrame> _outbox = Channel.CreateUnbounded<OutgoingFrame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly WebSocket _socket;
    private readonly Task _writer;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _unrouted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ClientConnection(string clientId, WebSocket socket)
    {
        ClientId = clientId;
        _socket = socket;
        _writer = Task.Run(WriteLoopAsync);
    }

    public string ClientId { get; }

    /// <summary>Completes when the endpoint has stopped serving this socket.</summary>
    public Task Finished => _finished.Task;

    /// <summary>Completes when this socket's clientId was taken out of the routing table.</summary>
    public Task Unrouted => _unrouted.Task;

    public WebSocket Socket => _socket;

    public void Enqueue(OutgoingFrame frame) => _outbox.Writer.TryWrite(frame);

    /// <summary>Sends a close frame after what is queued, then stops writing.</summary>
    public void RequestClose(WebSocketCloseStatus status)
    {
        _outbox.Writer.TryWrite(OutgoingFrame.Close(status));
        _outbox.Writer.TryComplete();
    }

    /// <summary>Waits for the writer to finish; aborts the socket if it takes too long (a peer that stopped reading).</summary>
    public async Task DrainAsync()
    {
        _outbox.Writer.TryComplete();
        if (await Task.WhenAny(_writer, Task.Delay(CloseTimeout)) != _writer)
        {
            _socket.Abort();
            await _writer;
        }
    }

    public void MarkFinished() => _finished.TrySetResult();

    public void MarkUnrouted() => _unrouted.TrySetResult();

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync())
            {
                if (frame.Type == WebSocketMessageType.Close)
                {
                    if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        using var timeout = new CancellationTokenSource(CloseTimeout);
                        await _socket.CloseOutputAsync(frame.CloseStatus, null, timeout.Token);
                    }
                    return;
                }
                if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
                {
                    return;
                }
                await _socket.SendAsync(frame.Payload, frame.Type, endOfMessage: true, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // Like ComfyUI's send_socket_catch_exception: a broken peer only loses its own messages.
        }
    }
}
