using System.Net.WebSockets;
using System.Threading.Channels;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>
/// The send side of one session: a bounded queue and the one loop that writes to the socket, in
/// queue order, each send bounded by the send timeout. A client that takes nothing for that long is
/// dropped: it stopped reading.
/// </summary>
internal sealed class SessionOutbox : IDisposable
{
    /// <summary>How long the close handshake may take, after which the connection is dropped.</summary>
    public static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocket _socket;
    private readonly UpdateFrames _updates;
    private readonly TimeSpan _sendTimeout;
    private readonly SessionPeer _peer;
    private readonly ILogger _logger;
    private readonly Channel<Outgoing> _queue;
    private readonly SemaphoreSlim _batchSent = new(0);
    private long _framesSent;

    public SessionOutbox(WebSocket socket, UpdateFrames updates, ApiOptions options, SessionPeer peer, ILogger logger)
    {
        _socket = socket;
        _updates = updates;
        _sendTimeout = options.SendTimeout;
        _peer = peer;
        _logger = logger;
        _queue = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(options.MaxQueuedFrames)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
            // The writer wakes on the producer's thread (a hub delivery or the receive loop, both on the
            // thread pool already) instead of one more hop through the pool: lower latency per frame.
            AllowSynchronousContinuations = true,
        });
    }

    public long FramesSent => Interlocked.Read(ref _framesSent);

    /// <summary>Queues without waiting; false when the queue is full or closed.</summary>
    public bool TryQueue(Outgoing item) => _queue.Writer.TryWrite(item);

    /// <summary>Queues a reply; when the client floods without reading, this waits, which slows its reading in turn.</summary>
    public ValueTask QueueAsync(byte[] frame, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(new Outgoing.Frame(frame), cancellationToken);

    /// <summary>Queues a batch of updates and returns once it is on the wire: that is what lets the hub coalesce meanwhile.</summary>
    public async ValueTask SendBatchAsync(IReadOnlyList<JobSnapshot> jobs, CancellationToken cancellationToken)
    {
        var item = new Outgoing.Updates(jobs);
        if (!_queue.Writer.TryWrite(item))
        {
            await _queue.Writer.WriteAsync(item, cancellationToken);
        }

        await _batchSent.WaitAsync(cancellationToken);
    }

    /// <summary>No more items: the writer ends after the queued ones.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    public void Dispose() => _batchSent.Dispose();

    /// <summary>The writer: runs until the queue is completed, the close is sent, or the client stops taking data.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // One timer per session, re-armed for each send: a send that stalls this long means the client stopped reading.
        var sendTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var reader = _queue.Reader;
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var item))
                {
                    if (!await WriteAsync(item, sendTimeout))
                    {
                        return;
                    }

                    if (!sendTimeout.TryReset())
                    {
                        sendTimeout.Dispose();
                        sendTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogStalledClientDropped(_peer.Id, _peer.RemoteAddress, _sendTimeout);
            WebSocketAbort.Quietly(_socket);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            WebSocketAbort.Quietly(_socket);
        }
        finally
        {
            sendTimeout.Dispose();
            // Nothing more can be sent: producers stop waiting for room.
            _queue.Writer.TryComplete();
        }
    }

    /// <summary>Sends one item; false after the close, which is the last thing sent.</summary>
    private async ValueTask<bool> WriteAsync(Outgoing item, CancellationTokenSource sendTimeout)
    {
        switch (item)
        {
            case Outgoing.Frame frame:
                await SendAsync(frame.Bytes, sendTimeout);
                return true;
            case Outgoing.Updates updates:
                try
                {
                    foreach (var frame in _updates.For(updates.Jobs))
                    {
                        await SendAsync(frame, sendTimeout);
                    }
                }
                finally
                {
                    _batchSent.Release();
                }

                return true;
            case Outgoing.Close close:
                sendTimeout.CancelAfter(CloseHandshakeTimeout);
                if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await _socket.CloseOutputAsync(close.Status, close.Reason, sendTimeout.Token);
                }

                return false;
            default:
                return true;
        }
    }

    private async ValueTask SendAsync(byte[] frame, CancellationTokenSource sendTimeout)
    {
        sendTimeout.CancelAfter(_sendTimeout);
        await _socket.SendAsync(frame.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, sendTimeout.Token);
        Interlocked.Increment(ref _framesSent);
    }
}
