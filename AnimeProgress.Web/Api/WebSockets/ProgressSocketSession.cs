using System.Net.WebSockets;
using System.Threading.Channels;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Api.Rest;
using AnimeProgress.Web.Api.Wire;

namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>
/// One /ws client. Three parts, each with one job:
/// <list type="bullet">
/// <item>the receive loop reads the client's messages (size and rate checked) and queues replies;</item>
/// <item>the writer is the only thing that sends, in queue order, each send bounded by a timeout;</item>
/// <item>a hub subscription hands over changed jobs; it waits until the writer has sent the previous
/// batch, and meanwhile the hub keeps only the newest snapshot per job, so a slow client gets fewer,
/// fresher updates and never a backlog. A client that takes nothing for the send timeout is dropped.</item>
/// </list>
/// </summary>
internal sealed partial class ProgressSocketSession : IDisposable
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocket _socket;
    private readonly ProgressHub _hub;
    private readonly JobCatalog _catalog;
    private readonly SnapshotFrameCache _frames;
    private readonly ApiOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Outgoing> _outgoing;
    private readonly SemaphoreSlim _batchSent = new(0);
    private readonly TaskCompletionSource _initialQueued = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MessageRateGate _rate;
    private readonly CancellationTokenSource _lifetime = new();
    // Null: no subscription, every job. Replaced whole on change (read by the writer, written by the receive loop).
    private volatile HashSet<long>? _subscribed;
    private int _closeRequested;
    private long _framesSent;

    public ProgressSocketSession(
        long id,
        string? remoteAddress,
        WebSocket socket,
        ProgressHub hub,
        JobCatalog catalog,
        SnapshotFrameCache frames,
        ApiOptions options,
        TimeProvider time,
        ILogger logger)
    {
        Id = id;
        RemoteAddress = remoteAddress;
        _socket = socket;
        _hub = hub;
        _catalog = catalog;
        _frames = frames;
        _options = options;
        _time = time;
        _logger = logger;
        _rate = new MessageRateGate(options.MaxMessagesPerSecond, options.MessageBurst, time);
        _outgoing = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(options.MaxQueuedFrames)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
            // The writer wakes on the producer's thread (a hub delivery or the receive loop, both on the
            // thread pool already) instead of one more hop through the pool: lower latency per frame.
            AllowSynchronousContinuations = true,
        });
    }

    public long Id { get; }

    public string? RemoteAddress { get; }

    public long FramesSent => Interlocked.Read(ref _framesSent);

    /// <summary>Runs until the client leaves, is closed for abuse, stops reading, or the server stops.</summary>
    public async Task RunAsync(CancellationToken aborted)
    {
        using var abortRegistration = aborted.Register(static s => ((ProgressSocketSession)s!).Abort(), this);
        var writer = WriteLoopAsync(_lifetime.Token);
        try
        {
            // Subscribe before reading the hub's state for initial_jobs, so no change can fall in between;
            // batches wait for initial_jobs to be queued first (a job may then arrive twice, never missing).
            using (_hub.Subscribe(OnBatchAsync, _options.UpdateInterval))
            {
                _outgoing.Writer.TryWrite(new Outgoing.Frame(ServerFrames.InitialJobs(InitialJobs(), _time.GetUtcNow())));
                _initialQueued.TrySetResult();
                await ReceiveLoopAsync(_lifetime.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ChannelClosedException or ObjectDisposedException)
        {
            // The client vanished or was dropped; nothing to answer.
        }
        finally
        {
            // The writer ends after the queued frames and the close (each send is bounded by the send timeout).
            _outgoing.Writer.TryComplete();
            try
            {
                await writer.WaitAsync(_options.SendTimeout + CloseHandshakeTimeout, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                Abort();
            }

            // Releases a hub delivery still waiting for room or for its batch to be sent.
            await _lifetime.CancelAsync();
        }
    }

    public void Dispose()
    {
        _lifetime.Dispose();
        _batchSent.Dispose();
    }

    /// <summary>Starts a server-side close (policy violation, shutdown); the client's close reply ends the session.</summary>
    public void RequestClose(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) == 1)
        {
            return;
        }

        if (!_outgoing.Writer.TryWrite(new Outgoing.Close(status, reason)))
        {
            // The queue is full, so the client is not reading: a polite close would never reach it.
            Abort();
        }
    }

    private void Abort()
    {
        try
        {
            _socket.Abort();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private List<JobSnapshot> InitialJobs()
    {
        var jobs = _hub.Jobs;
        var active = jobs.Where(j => j.Status.IsActive()).OrderBy(j => j.Id);
        var finished = jobs.Where(j => j.IsTerminal)
            .OrderByDescending(j => j.FinishedAt ?? j.UpdatedAt)
            .Take(_options.InitialRecentFinished);
        return [.. active, .. finished];
    }

    private bool Wants(long jobId) => _subscribed is not { } set || set.Contains(jobId);

    private async ValueTask OnBatchAsync(HubBatch batch)
    {
        if (batch.Jobs.Count == 0 || Volatile.Read(ref _closeRequested) == 1 || !batch.Jobs.Any(j => Wants(j.Id)))
        {
            return;
        }

        try
        {
            var token = _lifetime.Token;
            await _initialQueued.Task.WaitAsync(token);
            var item = new Outgoing.Updates(batch.Jobs);
            if (!_outgoing.Writer.TryWrite(item))
            {
                await _outgoing.Writer.WriteAsync(item, token);
            }

            // Hold the hub's next delivery until this one is on the wire: that is what makes it coalesce.
            await _batchSent.WaitAsync(token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException or ObjectDisposedException)
        {
        }
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        // One timer per session, re-armed for each send: a send that stalls this long means the client stopped reading.
        var sendTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var reader = _outgoing.Reader;
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var item))
                {
                    switch (item)
                    {
                        case Outgoing.Frame frame:
                            await SendAsync(frame.Bytes, sendTimeout);
                            break;
                        case Outgoing.Updates updates:
                            try
                            {
                                foreach (var job in updates.Jobs)
                                {
                                    if (Wants(job.Id))
                                    {
                                        await SendAsync(_frames.ProgressUpdate(job), sendTimeout);
                                    }
                                }
                            }
                            finally
                            {
                                _batchSent.Release();
                            }

                            break;
                        case Outgoing.Close close:
                            sendTimeout.CancelAfter(CloseHandshakeTimeout);
                            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                            {
                                await _socket.CloseOutputAsync(close.Status, close.Reason, sendTimeout.Token);
                            }

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
            LogStalledClientDropped(Id, RemoteAddress, _options.SendTimeout);
            Abort();
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            Abort();
        }
        finally
        {
            sendTimeout.Dispose();
            // Nothing more can be sent: producers stop waiting for room.
            _outgoing.Writer.TryComplete();
        }
    }

    private async ValueTask SendAsync(byte[] frame, CancellationTokenSource sendTimeout)
    {
        sendTimeout.CancelAfter(_options.SendTimeout);
        await _socket.SendAsync(frame.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, sendTimeout.Token);
        Interlocked.Increment(ref _framesSent);
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        // One byte more than allowed, so a message of exactly the limit fits and one byte over is seen.
        var buffer = new byte[_options.MaxMessageBytes + 1];
        while (true)
        {
            var count = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (count == buffer.Length)
                {
                    LogMessageTooBig(Id, RemoteAddress, _options.MaxMessageBytes);
                    await CloseForPolicyAsync(WebSocketCloseStatus.MessageTooBig, $"Message larger than {_options.MaxMessageBytes} bytes", buffer, cancellationToken);
                    return;
                }

                result = await _socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // The client's close, or its answer to ours: reply once, then the session ends.
                    RequestClose(WebSocketCloseStatus.NormalClosure, "");
                    return;
                }

                count += result.Count;
            }
            while (!result.EndOfMessage);

            if (count > _options.MaxMessageBytes)
            {
                LogMessageTooBig(Id, RemoteAddress, _options.MaxMessageBytes);
                await CloseForPolicyAsync(WebSocketCloseStatus.MessageTooBig, $"Message larger than {_options.MaxMessageBytes} bytes", buffer, cancellationToken);
                return;
            }

            if (Volatile.Read(ref _closeRequested) == 1)
            {
                continue;
            }

            if (!_rate.TryTake())
            {
                LogFlood(Id, RemoteAddress, _options.MaxMessagesPerSecond, _options.MessageBurst);
                await CloseForPolicyAsync(WebSocketCloseStatus.PolicyViolation, $"More than {_options.MaxMessagesPerSecond:0.##} messages per second", buffer, cancellationToken);
                return;
            }

            if (result.MessageType == WebSocketMessageType.Binary)
            {
                await ReplyAsync(ServerFrames.Error(ClientError.BinaryFrame, _time.GetUtcNow()), cancellationToken);
                continue;
            }

            await HandleAsync(buffer.AsMemory(0, count), cancellationToken);
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var (request, error) = ClientMessageReader.Read(message);
        if (error is not null || request is not { } r)
        {
            await ReplyErrorAsync(error ?? ClientError.InvalidJson, cancellationToken);
            return;
        }

        switch (r.Kind)
        {
            case ClientRequestKind.Ping:
                await ReplyAsync(ServerFrames.Pong(_time.GetUtcNow()), cancellationToken);
                break;
            case ClientRequestKind.Subscribe:
                await SubscribeAsync(r.JobId, cancellationToken);
                break;
            case ClientRequestKind.Unsubscribe:
                if (_subscribed is { } current && current.Contains(r.JobId))
                {
                    var next = new HashSet<long>(current);
                    next.Remove(r.JobId);
                    // With no subscription left the client is back to every job, as the protocol says.
                    _subscribed = next.Count == 0 ? null : next;
                }

                break;
        }
    }

    private async Task SubscribeAsync(long jobId, CancellationToken cancellationToken)
    {
        JobSnapshot? job;
        try
        {
            job = await _catalog.FindAsync(jobId, cancellationToken);
        }
        catch (Exception ex) when (Core.Persistence.DatabaseErrors.IsTransient(ex))
        {
            // Only jobs older than the live state need the database; say so rather than call the job unknown.
            await ReplyErrorAsync(ClientError.LookupFailed(jobId), cancellationToken);
            return;
        }

        if (job is null)
        {
            await ReplyErrorAsync(ClientError.UnknownJob(jobId), cancellationToken);
            return;
        }

        var current = _subscribed;
        if (current is not null && !current.Contains(jobId) && current.Count >= _options.MaxSubscriptionsPerClient)
        {
            await ReplyErrorAsync(ClientError.TooManySubscriptions(_options.MaxSubscriptionsPerClient), cancellationToken);
            return;
        }

        _subscribed = current is null ? [jobId] : [.. current, jobId];
        // The job's state now, so the subscriber need not wait for its next change (a finished job has none).
        var frame = ReferenceEquals(_hub.Find(jobId), job) ? _frames.ProgressUpdate(job) : ServerFrames.ProgressUpdate(job, _time.GetUtcNow());
        await ReplyAsync(frame, cancellationToken);
    }

    private ValueTask ReplyErrorAsync(ClientError error, CancellationToken cancellationToken) =>
        ReplyAsync(ServerFrames.Error(error, _time.GetUtcNow()), cancellationToken);

    /// <summary>Queues a reply; when the client floods without reading, this waits, which slows its reading in turn.</summary>
    private ValueTask ReplyAsync(byte[] frame, CancellationToken cancellationToken) =>
        _outgoing.Writer.WriteAsync(new Outgoing.Frame(frame), cancellationToken);

    /// <summary>Sends the close and waits (bounded) for the client's answer, ignoring whatever else it sends meanwhile.</summary>
    private async Task CloseForPolicyAsync(WebSocketCloseStatus status, string reason, byte[] buffer, CancellationToken cancellationToken)
    {
        RequestClose(status, reason);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CloseHandshakeTimeout);
        try
        {
            while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Abort();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket client {ConnectionId} from {RemoteAddress} sent a message over {Limit} bytes; closed with 1009")]
    private partial void LogMessageTooBig(long connectionId, string? remoteAddress, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket client {ConnectionId} from {RemoteAddress} sent more than {Rate} messages per second (burst {Burst}); closed with 1008")]
    private partial void LogFlood(long connectionId, string? remoteAddress, double rate, int burst);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket client {ConnectionId} from {RemoteAddress} took no data for {SendTimeout}; dropped")]
    private partial void LogStalledClientDropped(long connectionId, string? remoteAddress, TimeSpan sendTimeout);
}
