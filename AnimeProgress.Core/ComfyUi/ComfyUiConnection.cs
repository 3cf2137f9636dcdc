using System.Net.WebSockets;
using AnimeProgress.Core.Boundary;
using AnimeProgress.Core.ComfyUi.Loops;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Resilience;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.ComfyUi;

/// <summary>
/// The live link to one ComfyUI instance: what it is (instance, HTTP client, client id), whether it is
/// online, and its three loops (socket reader, queue poller, VRAM sampler) under one supervisor. What the
/// loops observe goes to an <see cref="IInstanceObserver"/>; bad frames are logged and skipped, never fatal.
/// </summary>
public sealed partial class ComfyUiConnection : IDisposable
{
    private readonly ILogger _logger;
    private readonly MalformedFrameLog _malformed;
    private readonly QueueReconciler _reconciler;
    private readonly InstanceSupervisor _supervisor;
    private volatile bool _online;
    private volatile ComfyUiFeatures _features = ComfyUiFeatures.Unknown;
    private readonly InputLimits _limits;
    private long _rejectedFrames;

    public ComfyUiConnection(
        ComfyUiHttpClient http,
        IInstanceObserver observer,
        ComfyUiOptions options,
        TimeProvider time,
        ILogger<ComfyUiConnection> logger,
        InputLimits? limits = null)
    {
        _limits = limits ?? new InputLimits();
        Http = http;
        Observer = observer;
        Options = options;
        Time = time;
        _logger = logger;
        _malformed = new MalformedFrameLog(time, TimeSpan.FromMinutes(1));
        ClientId = string.IsNullOrWhiteSpace(options.ClientId) ? "animeprogress-" + Guid.NewGuid().ToString("N")[..12] : options.ClientId;
        _reconciler = new QueueReconciler(this, logger);
        _supervisor = new InstanceSupervisor(
            http.Instance.Name,
            [new SocketReader(this, logger), new QueuePoller(this, _reconciler), new VramSampler(this)],
            new ReconnectBackoff(options.ReconnectInitialDelay, options.ReconnectMaxDelay),
            time,
            logger,
            (reason, ct) => observer.ObserveAsync(new InstanceHealthChanged(http.Instance.Name, http.Instance.DisplayUrl, reason), ct),
            options.LoopHealthyAfter);
    }

    public ComfyUiInstance Instance => Http.Instance;

    public ComfyUiHttpClient Http { get; }

    /// <summary>The client id AnimeProgress submits with and listens under on this instance.</summary>
    public string ClientId { get; }

    public bool IsOnline
    {
        get => _online;
        internal set
        {
            var wentOffline = _online && !value;
            _online = value;
            if (wentOffline)
            {
                // The queue poller switches to offline probing at once rather than after its current wait.
                QueueSignal.Signal();
            }
        }
    }

    /// <summary>
    /// What the instance offers beyond 0.3.64, probed on every (re)connect of its socket (<see cref="DetectFeaturesAsync"/>);
    /// <see cref="ComfyUiFeatures.Unknown"/> (everything as on 0.3.64) until a probe answered.
    /// </summary>
    public ComfyUiFeatures Features => _features;

    /// <summary>Frames from this instance that could not be read (counted, logged at most once a minute per kind, skipped).</summary>
    public long RejectedFrames => Interlocked.Read(ref _rejectedFrames);

    internal IInstanceObserver Observer { get; }

    internal ComfyUiOptions Options { get; }

    internal TimeProvider Time { get; }

    internal QueueChangeSignal QueueSignal { get; } = new();

    /// <summary>Who else sees the frames as they arrived (the relay); null when nobody does.</summary>
    internal IFrameTap? Tap { get; init; }

    public void Dispose() => QueueSignal.Dispose();

    /// <summary>Runs the instance's loops until cancelled; a loop that fails is logged and restarted, never fatal.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => _supervisor.RunAsync(cancellationToken);

    /// <summary>Reads the queue and the history of every job believed active here, and hands the truth to the observer.</summary>
    public Task ReconcileAsync(CancellationToken cancellationToken) => _reconciler.ReconcileAsync(cancellationToken);

    /// <summary>
    /// The one frame boundary: every WebSocket message the socket reader receives comes through here (and fuzzers
    /// drive it directly). A frame that cannot be read is counted, logged and skipped; nothing in it can throw.
    /// </summary>
    public async ValueTask AcceptFrameAsync(WebSocketMessageType type, ReadOnlyMemory<byte> payload, bool oversized, CancellationToken cancellationToken)
    {
        if (oversized)
        {
            ReportMalformed("oversized", $"frame over {Options.MaxFrameBytes} bytes discarded");
            return;
        }

        var parsed = type == WebSocketMessageType.Text
            ? ComfyUiMessageParser.ParseText(payload.Span, _limits)
            // Previews keep their bytes beyond this call; the reader reuses its buffer.
            : ComfyUiMessageParser.ParseBinary(payload.ToArray(), _limits);
        if (parsed.Event is { } tapped && Tap is { } tap)
        {
            try
            {
                tap.Frame(Instance.Name, type, payload.Span, tapped);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Whatever the relay does wrong, the instance stays monitored.
                LogTapFailed(ex, Instance.Name);
            }
        }

        switch (parsed.Event)
        {
            case null:
                ReportMalformed(type == WebSocketMessageType.Text ? "text" : "binary", parsed.Error ?? "unreadable frame");
                break;
            case IgnoredEvent:
                break;
            case StatusEvent status:
                QueueSignal.Remaining = status.QueueRemaining;
                QueueSignal.Signal();
                await Observer.ObserveAsync(new InstanceEvent(Instance.Name, status), cancellationToken);
                break;
            default:
                if (QueueChangeSignal.Announces(parsed.Event))
                {
                    QueueSignal.Signal();
                }

                await Observer.ObserveAsync(new InstanceEvent(Instance.Name, parsed.Event), cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Probes the instance's features (the job API: <see cref="ComfyUiHttpClient.ProbeJobsApiAsync"/>). A probe that gets
    /// no clear answer (an error, a timeout) keeps what was known, so a hiccup never switches a feature off or on.
    /// </summary>
    internal async Task DetectFeaturesAsync(CancellationToken cancellationToken)
    {
        bool? jobsApi;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.RequestTimeout);
            jobsApi = await Http.ProbeJobsApiAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidDataException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogProbeFailed(Instance.Name, ex.Message);
            return;
        }

        if (jobsApi is not { } found)
        {
            LogProbeFailed(Instance.Name, "no clear answer from GET /api/jobs");
            return;
        }

        var features = found ? ComfyUiFeatures.WithJobsApi : ComfyUiFeatures.Release0364;
        if (features != _features)
        {
            LogFeatures(Instance.Name, features.JobsApi ? "has the job API (GET /api/jobs): it is used" : "has no job API (0.3.64): /history and /queue are used");
        }

        _features = features;
    }

    /// <summary>Counts bad input from this instance and logs it, at most once a minute per kind.</summary>
    internal void ReportMalformed(string kind, string error)
    {
        Interlocked.Increment(ref _rejectedFrames);
        if (_malformed.ShouldLog(kind, out var suppressed))
        {
            LogMalformed(Instance.Name, kind, error, suppressed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ComfyUI {Instance} {Features}")]
    private partial void LogFeatures(string instance, string features);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ComfyUI {Instance}: its features could not be probed ({Error}); what was known is kept")]
    private partial void LogProbeFailed(string instance, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The frame tap failed on a frame from {Instance}; the frame was still tracked")]
    private partial void LogTapFailed(Exception ex, string instance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ComfyUI {Instance} sent a bad {Kind} frame: {Error} ({Suppressed} similar suppressed)")]
    private partial void LogMalformed(string instance, string kind, string error, int suppressed);
}
