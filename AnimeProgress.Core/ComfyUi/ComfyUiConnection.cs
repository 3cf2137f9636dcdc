using AnimeProgress.Core.ComfyUi.Loops;
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

    public ComfyUiConnection(
        ComfyUiHttpClient http, IInstanceObserver observer, ComfyUiOptions options, TimeProvider time, ILogger<ComfyUiConnection> logger)
    {
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
            logger);
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

    internal IInstanceObserver Observer { get; }

    internal ComfyUiOptions Options { get; }

    internal TimeProvider Time { get; }

    internal QueueChangeSignal QueueSignal { get; } = new();

    public void Dispose() => QueueSignal.Dispose();

    /// <summary>Runs the instance's loops until cancelled; a loop that fails is logged and restarted, never fatal.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => _supervisor.RunAsync(cancellationToken);

    /// <summary>Reads the queue and the history of every job believed active here, and hands the truth to the observer.</summary>
    public Task ReconcileAsync(CancellationToken cancellationToken) => _reconciler.ReconcileAsync(cancellationToken);

    /// <summary>Logs bad input from this instance, at most once a minute per kind.</summary>
    internal void ReportMalformed(string kind, string error)
    {
        if (_malformed.ShouldLog(kind, out var suppressed))
        {
            LogMalformed(Instance.Name, kind, error, suppressed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ComfyUI {Instance} sent a bad {Kind} frame: {Error} ({Suppressed} similar suppressed)")]
    private partial void LogMalformed(string instance, string kind, string error, int suppressed);
}
