using System.Threading.Channels;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Previews;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// Folds ComfyUI observations, submissions, reconciliations and rows into immutable <see cref="JobSnapshot"/>s
/// and publishes every change to the <see cref="ProgressHub"/>. All folding happens on one loop reading one
/// channel, so order is kept and no state is shared between threads; each kind of command is handled by its
/// own small class (see the fields), this class only reads the channel and dispatches.
/// </summary>
public sealed partial class ProgressTracker : BackgroundService
{
    private readonly Channel<TrackerCommand> _commands;
    private readonly JobTable _table = new();
    private readonly ProgressHub _hub;
    private readonly IJobIdSource _idSource;
    private static readonly TimeSpan RegistrationWait = TimeSpan.FromSeconds(5);
    private readonly TimeProvider _time;
    private readonly TrackerOptions _options;
    private readonly ILogger<ProgressTracker> _logger;
    private readonly InstanceRegistry _instances;
    private readonly SubmittedJobs _submitted;
    private readonly EventFolder _events;
    private readonly QueueReconciliation _reconciliation;
    private readonly JobAdoption _adoption;
    private readonly TrackerClock _clock;
    private readonly UntrackedQueues _untracked = new();
    private readonly ReturnedPrompts _returned = new();
    private readonly AbandonedPromptIds _abandoned = new();
    private readonly TrackerMetrics? _metrics;

    public ProgressTracker(
        ProgressHub hub,
        StageMap stageMap,
        IEtaModel eta,
        PreviewStore previews,
        TimeProvider time,
        IOptions<TrackerOptions> options,
        ILogger<ProgressTracker> logger,
        IJobIdSource? idSource = null,
        TrackerMetrics? metrics = null)
    {
        _metrics = metrics;
        _hub = hub;
        _idSource = idSource ?? new SequentialJobIds();
        _time = time;
        _options = options.Value;
        _logger = logger;
        _commands = Channel.CreateBounded<TrackerCommand>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var transitions = new JobTransitions(stageMap, eta, previews, _options);
        var publisher = new JobPublisher(hub, new SnapshotDeriver(eta), time);
        _instances = new InstanceRegistry(hub, time);
        _submitted = new SubmittedJobs(_table, transitions, publisher, previews, time);
        _events = new EventFolder(_table, _instances, transitions, publisher, time);
        var cap = new ActiveJobCap(_table, _untracked, _options.MaxActiveJobsPerInstance);
        _reconciliation = new QueueReconciliation(_table, _instances, transitions, publisher, eta, _idSource, cap, _returned, _abandoned, time);
        _adoption = new JobAdoption(_table, _instances, publisher, previews, _idSource, time, logger);
        _clock = new TrackerClock(_table, publisher, eta, _options, time);
    }

    /// <summary>A fresh job id; awaits the id source's round trip when its reserve is spent, never blocking a thread.</summary>
    public ValueTask<long> NextJobIdAsync(CancellationToken cancellationToken) => _idSource.NextAsync(cancellationToken);

    /// <summary>Queues a job's registration under an id from <see cref="NextJobIdAsync"/>, ahead of any event about it.</summary>
    public void Register(long id, JobRegistration registration) => Post(new RegisterJob(id, registration));

    /// <summary>
    /// Registers the job and waits (a few seconds at most) until it is published, so a GET of its address right after
    /// the answer finds it. Past the bound the job is still registered and shows once the tracker gets to it.
    /// </summary>
    public async Task RegisterAsync(long id, JobRegistration registration, CancellationToken cancellationToken)
    {
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new RegisterJob(id, registration) { Registered = registered });
        try
        {
            await registered.Task.WaitAsync(RegistrationWait, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // A tracker this far behind is reported by its own health check; the submission itself is not lost.
        }
    }

    /// <summary>Ids continue after the highest one the store has seen.</summary>
    public void SeedIds(long highestExistingId) => _idSource.Seen(highestExistingId);

    /// <summary>
    /// Queues a command without ever blocking the caller. When the channel is full the command takes its place
    /// among the waiting writers at once (the channel serves them in order, so the order of posts is kept) and
    /// the caller moves on; nothing is dropped. Callers that produce a stream (the ComfyUI readers) use
    /// <see cref="PostAsync"/> instead, so a full channel slows them down rather than piling up.
    /// </summary>
    public void Post(TrackerCommand command)
    {
        if (_commands.Writer.TryWrite(command))
        {
            return;
        }

        _ = ObserveLateWriteAsync(_commands.Writer.WriteAsync(command), command);
    }

    /// <summary>Queues a command, waiting for room when the channel is full (back-pressure, never loss).</summary>
    public ValueTask PostAsync(TrackerCommand command, CancellationToken cancellationToken) =>
        _commands.Writer.WriteAsync(command, cancellationToken);

    /// <summary>True when this job's state comes from the tracker (ComfyUI), not from a row someone else writes.</summary>
    public bool IsFollowing(long jobId) => _table.Contains(jobId);

    /// <summary>Prompt ids of jobs the tracker believes are queued or running on an instance (thread-safe; reads the hub).</summary>
    public IReadOnlyList<string> ActivePromptIds(string instance) =>
        [.. _hub.Jobs.Where(j => j.Instance == instance && j.Status.IsActive() && j.PromptId is not null).Select(j => j.PromptId!)];

    /// <summary>
    /// Prompts queued on an instance beyond <see cref="TrackerOptions.MaxActiveJobsPerInstance"/>, in queue order, as
    /// its last queue read showed them (thread-safe). Empty on a node that does not lead ingestion.
    /// </summary>
    public IReadOnlyList<UntrackedPrompt> UntrackedQueue(string instance) => _untracked.Of(instance);

    /// <summary>
    /// Fleet-queue jobs an instance lost before they started (it went offline and came back without them), shown as
    /// waiting again; the dispatcher takes them (thread-safe) and puts their rows back in the queue.
    /// </summary>
    public IReadOnlyList<ReturnedPrompt> TakeReturnedToQueue() => _returned.TakeAll();

    /// <summary>
    /// A prompt the fleet queue took back from an unreachable instance (thread-safe): if that instance lists it again, it
    /// is not a new job; the dispatcher deletes it there.
    /// </summary>
    public void IgnoreAbandonedPrompt(string promptId) => _abandoned.Add(promptId);

    /// <summary>Folds one command. Public for tests, which drive the tracker synchronously.</summary>
    public void Apply(TrackerCommand command)
    {
        switch (command)
        {
            case RegisterJob r: _submitted.Register(r); break;
            case SubmissionAccepted a: _submitted.Accepted(a); break;
            case SubmissionFailed f: _submitted.Failed(f); break;
            case JobDispatched d: _submitted.Dispatched(d); break;
            case JobWithdrawn w: _submitted.Withdrawn(w); break;
            case InstanceObserved o: Apply(o.Observation); break;
            case RestoreJobs r: _adoption.Restore(r); break;
            case ReleaseJobs:
                _adoption.Release();
                _untracked.Clear();
                break;
            case AdoptJob a: _adoption.Adopt(a); break;
            case ClockTick: _clock.Tick(); break;
            default: throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "unknown tracker command");
        }
    }

    /// <summary>Folds one observation of a ComfyUI connection. Public for tests, which drive the tracker synchronously.</summary>
    public void Apply(InstanceObservation observation)
    {
        switch (observation)
        {
            case InstanceEvent e:
                _metrics?.Ingested(e.Instance, e.Event);
                _events.Fold(e.Instance, e.Event);
                break;
            case InstanceConnected c: _instances.Connected(c); break;
            case InstanceDisconnected d:
                _table.SetRunningPrompt(d.Instance, null);
                _instances.Disconnected(d);
                break;
            case InstanceStatsReceived s: _instances.StatsReceived(s); break;
            case InstanceHealthChanged h: _instances.HealthChanged(h); break;
            case InstanceReconciled r: _reconciliation.Apply(r); break;
            default: throw new ArgumentOutOfRangeException(nameof(observation), observation.GetType().Name, "unknown observation");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticker = new PeriodicTimer(_options.TickInterval, _time);
        var ticks = TickAsync(ticker, stoppingToken);
        try
        {
            await foreach (var command in _commands.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    if (command is InstanceObserved { Observation: InstanceReconciled reconciled })
                    {
                        await _reconciliation.PrepareAsync(reconciled, stoppingToken);
                    }

                    var started = _time.GetTimestamp();
                    Apply(command);
                    _metrics?.Folded(command, _time.GetElapsedTime(started));
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogCommandFailed(ex, command is InstanceObserved o ? o.Observation.GetType().Name : command.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await ticks;
    }

    private async Task TickAsync(PeriodicTimer ticker, CancellationToken stoppingToken)
    {
        try
        {
            while (await ticker.WaitForNextTickAsync(stoppingToken))
            {
                await _commands.Writer.WriteAsync(new ClockTick(), stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ObserveLateWriteAsync(ValueTask waiting, TrackerCommand command)
    {
        try
        {
            await waiting;
        }
        catch (ChannelClosedException)
        {
            // The tracker is shutting down: nothing will fold this command any more.
            LogDroppedAtShutdown(command.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Tracker failed to fold a {Command}")]
    private partial void LogCommandFailed(Exception ex, string command);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tracker is stopping; a {Command} posted while its channel was full was not folded")]
    private partial void LogDroppedAtShutdown(string command);
}
