using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Resilience;
using AnimeProgress.Core.Tracking;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.ComfyUi;

/// <summary>
/// The live link to one ComfyUI instance: a WebSocket under AnimeProgress's own client id
/// (so jobs it submits report everything, reference §3), reconnecting with capped, jittered
/// backoff; after every (re)connect it reconciles from <c>/queue</c> and <c>/history</c>, and
/// while online it polls <c>/system_stats</c>. Bad frames are logged and skipped, never fatal.
/// </summary>
public sealed partial class ComfyUiConnection : IDisposable
{
    private static readonly byte[] FeatureFlags = Encoding.UTF8.GetBytes("""{"type":"feature_flags","data":{"supports_preview_metadata":true}}""");

    private readonly ComfyUiHttpClient _http;
    private readonly ProgressTracker _tracker;
    private readonly ComfyUiOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ReconnectBackoff _backoff;
    private readonly MalformedFrameLog _malformed;
    private readonly SemaphoreSlim _queueChanged = new(0, 1);
    private volatile int _queueRemaining;

    public ComfyUiConnection(
        ComfyUiHttpClient http, ProgressTracker tracker, ComfyUiOptions options, TimeProvider time, ILogger<ComfyUiConnection> logger)
    {
        _http = http;
        _tracker = tracker;
        _options = options;
        _time = time;
        _logger = logger;
        _backoff = new ReconnectBackoff(options.ReconnectInitialDelay, options.ReconnectMaxDelay);
        _malformed = new MalformedFrameLog(time, TimeSpan.FromMinutes(1));
        ClientId = string.IsNullOrWhiteSpace(options.ClientId) ? "animeprogress-" + Guid.NewGuid().ToString("N")[..12] : options.ClientId;
    }

    public ComfyUiInstance Instance => _http.Instance;

    public ComfyUiHttpClient Http => _http;

    /// <summary>The client id AnimeProgress submits with and listens under on this instance.</summary>
    public string ClientId { get; }

    public bool IsOnline { get; private set; }

    public void Dispose() => _queueChanged.Dispose();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var statsLoop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stats = PollSystemStatsAsync(statsLoop.Token);
        var queue = WatchQueueAsync(statsLoop.Token);
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
                        connectTimeout.CancelAfter(_options.RequestTimeout);
                        await socket.ConnectAsync(Instance.WebSocketUrl(ClientId), connectTimeout.Token);
                    }

                    await socket.SendAsync(FeatureFlags, WebSocketMessageType.Text, true, cancellationToken);
                    attempt = 0;
                    IsOnline = true;
                    await _tracker.PostAsync(new InstanceConnected(Instance.Name, Instance.BaseUrl), cancellationToken);
                    LogConnected(Instance.Name, Instance.BaseUrl);
                    SignalQueueChanged();
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
                    IsOnline = false;
                    await CloseQuietlyAsync(socket);
                }
            }

            var delay = _backoff.DelayFor(attempt++);
            LogDisconnected(Instance.Name, error, attempt, delay.TotalSeconds);
            await _tracker.PostAsync(
                new InstanceDisconnected(Instance.Name, Instance.BaseUrl, error, attempt, _time.GetUtcNow() + delay), cancellationToken);
            try
            {
                await Task.Delay(delay, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await statsLoop.CancelAsync();
        await Task.WhenAll(stats, queue);
    }

    /// <summary>Reads the queue and the history of every job the tracker thinks is active here, and hands the truth to the tracker.</summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        try
        {
            var asOf = _time.GetUtcNow();
            var queue = await _http.GetQueueAsync(cancellationToken);
            var history = new Dictionary<string, HistoryEntry?>(StringComparer.Ordinal);
            foreach (var promptId in _tracker.ActivePromptIds(Instance.Name))
            {
                if (!queue.Contains(promptId))
                {
                    history[promptId] = await _http.GetHistoryAsync(promptId, cancellationToken);
                }
            }

            _queueRemaining = queue.Running.Count + queue.Pending.Count;
            await _tracker.PostAsync(new InstanceReconciled(Instance.Name, queue, history, asOf, ClientId), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidDataException or OperationCanceledException or System.Text.Json.JsonException)
        {
            LogReconcileFailed(Instance.Name, ex.Message);
        }
    }

    private async Task ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        while (socket.State == WebSocketState.Open)
        {
            buffer.ResetWrittenCount();
            var oversized = false;
            ValueWebSocketReceiveResult result;
            do
            {
                var memory = buffer.GetMemory(16 * 1024);
                result = await socket.ReceiveAsync(memory, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (!oversized)
                {
                    buffer.Advance(result.Count);
                    if (buffer.WrittenCount > _options.MaxFrameBytes)
                    {
                        // Keep reading to the end of the frame, but do not keep it.
                        oversized = true;
                        buffer.ResetWrittenCount();
                    }
                }
            }
            while (!result.EndOfMessage);

            if (oversized)
            {
                Malformed("oversized", $"frame over {_options.MaxFrameBytes} bytes discarded");
                continue;
            }

            var parsed = result.MessageType == WebSocketMessageType.Text
                ? ComfyUiMessageParser.ParseText(buffer.WrittenSpan)
                : ComfyUiMessageParser.ParseBinary(buffer.WrittenMemory.ToArray());
            if (parsed.Event is StatusEvent status)
            {
                _queueRemaining = status.QueueRemaining;
                SignalQueueChanged();
            }

            if (parsed.Event is { } e)
            {
                if (e is not IgnoredEvent)
                {
                    await _tracker.PostAsync(new InstanceEvent(Instance.Name, e), cancellationToken);
                }
            }
            else
            {
                Malformed(result.MessageType == WebSocketMessageType.Text ? "text" : "binary", parsed.Error ?? "unreadable frame");
            }
        }
    }

    /// <summary>
    /// Keeps the tracker's view of the queue true: read /queue (and the history of prompts that left
    /// it) shortly after every <c>status</c> message, and on a slow timer as a safety net. This is how
    /// jobs other programs submitted are seen at all (reference §3).
    /// </summary>
    private async Task WatchQueueAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var interval = _queueRemaining > 0 ? _options.QueuePollBusy : _options.QueuePollIdle;
                if (await _queueChanged.WaitAsync(interval, cancellationToken))
                {
                    await Task.Delay(_options.QueueReadDelay, _time, cancellationToken);
                }

                if (IsOnline)
                {
                    await ReconcileAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void SignalQueueChanged()
    {
        if (_queueChanged.CurrentCount == 0)
        {
            try
            {
                _queueChanged.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled by another thread: one read covers both.
            }
        }
    }

    private void Malformed(string kind, string error)
    {
        if (_malformed.ShouldLog(kind, out var suppressed))
        {
            LogMalformed(Instance.Name, kind, error, suppressed);
        }
    }

    private async Task PollSystemStatsAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.SystemStatsInterval, _time);
        try
        {
            do
            {
                if (!IsOnline)
                {
                    continue;
                }

                try
                {
                    var stats = await _http.GetSystemStatsAsync(cancellationToken);
                    await _tracker.PostAsync(new InstanceStatsReceived(Instance.Name, stats), cancellationToken);
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidDataException or System.Text.Json.JsonException
                    or InvalidOperationException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    Malformed("system_stats", ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "ComfyUI {Instance} reconcile failed: {Error}")]
    private partial void LogReconcileFailed(string instance, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ComfyUI {Instance} sent a bad {Kind} frame: {Error} ({Suppressed} similar suppressed)")]
    private partial void LogMalformed(string instance, string kind, string error, int suppressed);
}
