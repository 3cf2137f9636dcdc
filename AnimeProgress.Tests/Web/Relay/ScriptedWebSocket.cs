using System.Net.WebSockets;
using System.Threading.Channels;

namespace AnimeProgress.Tests.Web.Relay;

/// <summary>
/// The server side of a relay client's socket, driven by a test: frames the client "sends" are queued for the relay
/// to receive, and every send the relay makes either completes at once or waits until the test lets it through
/// (a client that stops reading). Records what was sent and how it was closed.
/// </summary>
internal sealed class ScriptedWebSocket : WebSocket
{
    private readonly Channel<(WebSocketMessageType Type, byte[] Bytes)> _incoming = Channel.CreateUnbounded<(WebSocketMessageType, byte[])>();
    private readonly List<(WebSocketMessageType Type, byte[] Bytes)> _sent = [];
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _reading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebSocketState _state = WebSocketState.Open;
    private int _sendsStarted;

    public ScriptedWebSocket(bool reading = true)
    {
        if (reading)
        {
            _reading.SetResult();
        }
    }

    public IReadOnlyList<(WebSocketMessageType Type, byte[] Bytes)> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    public bool Aborted { get; private set; }

    /// <summary>Sends the relay has started, including one still waiting for the client to read.</summary>
    public int SendsStarted => Volatile.Read(ref _sendsStarted);

    public (WebSocketCloseStatus Status, string? Reason)? ClosedWith { get; private set; }

    public override WebSocketCloseStatus? CloseStatus => ClosedWith?.Status;

    public override string? CloseStatusDescription => ClosedWith?.Reason;

    public override WebSocketState State => _state;

    public override string? SubProtocol => null;

    /// <summary>The client starts reading again: every waiting and later send completes.</summary>
    public void StartReading() => _reading.TrySetResult();

    public void ClientSends(string text) => _incoming.Writer.TryWrite((WebSocketMessageType.Text, System.Text.Encoding.UTF8.GetBytes(text)));

    public void ClientCloses() => _incoming.Writer.TryWrite((WebSocketMessageType.Close, []));

    public override void Abort()
    {
        Aborted = true;
        _state = WebSocketState.Aborted;
        _reading.TrySetException(new WebSocketException("aborted"));
        _incoming.Writer.TryComplete(new WebSocketException("aborted"));
    }

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override async Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        await _reading.Task.WaitAsync(cancellationToken);
        ClosedWith = (closeStatus, statusDescription);
        _state = _state == WebSocketState.CloseReceived ? WebSocketState.Closed : WebSocketState.CloseSent;
        ClientCloses();
    }

    public override void Dispose()
    {
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        (WebSocketMessageType Type, byte[] Bytes) frame;
        try
        {
            frame = await _incoming.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new WebSocketException("aborted");
        }

        var (type, bytes) = frame;
        if (type == WebSocketMessageType.Close)
        {
            _state = _state == WebSocketState.CloseSent ? WebSocketState.Closed : WebSocketState.CloseReceived;
            return new WebSocketReceiveResult(0, type, true, WebSocketCloseStatus.NormalClosure, "");
        }

        bytes.CopyTo(buffer.Array!, buffer.Offset);
        return new WebSocketReceiveResult(bytes.Length, type, true);
    }

    public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _sendsStarted);
        await _reading.Task.WaitAsync(cancellationToken);
        lock (_gate)
        {
            _sent.Add((messageType, buffer.ToArray()));
        }
    }
}
