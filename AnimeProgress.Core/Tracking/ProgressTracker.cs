using System.Threading.Channels;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Previews;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// Folds ComfyUI events, submissions and reconciliations into immutable <see cref="JobSnapshot"/>s
/// and publishes every change to the <see cref="ProgressHub"/>. All folding happens on one loop
/// reading one channel, so event order is kept and no state is shared between threads.
/// </summary>
public sealed partial class ProgressTracker : BackgroundService
{
    private readonly Channel<TrackerCommand> _commands;
    // Concurrent only so IsFollowing can be asked from other threads; all writes happen on the loop.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, TrackedJob> _jobs = new();
    private readonly Dictionary<string, long> _byPrompt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _runningPrompt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InstanceStatus> _instances = new(StringComparer.Ordinal);
    private readonly ProgressHub _hub;
    private readonly StageMap _stageMap;
    private readonly IEtaModel _eta;
    private readonly PreviewStore _previews;
    private readonly TimeProvider _time;
    private readonly TrackerOptions _options;
    private readonly ILogger<ProgressTracker> _logger;
    private readonly IJobIdSource _idSource;
    private int _ticks;

    public ProgressTracker(
        ProgressHub hub,
        StageMap stageMap,
        IEtaModel eta,
        PreviewStore previews,
        TimeProvider time,
        IOptions<TrackerOptions> options,
        ILogger<ProgressTracker> logger,
        IJobIdSource? idSource = null)
    {
        _idSource = idSource ?? new SequentialJobIds();
        _previews = previews;
        _hub = hub;
        _stageMap = stageMap;
        _eta = eta;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _commands = Channel.CreateBounded<TrackerCommand>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Reserves an id and queues the job's registration ahead of any event about it.</summary>
    public long Register(JobRegistration registration)
    {
        var id = _idSource.Next();
        Post(new RegisterJob(id, registration));
        return id;
    }

    /// <summary>Ids continue after the highest one the store has seen.</summary>
    public void SeedIds(long highestExistingId) => _idSource.Seen(highestExistingId);

    public void Post(TrackerCommand command)
    {
        if (!_commands.Writer.TryWrite(command))
        {
            // Full: wait rather than lose an event; the callers (ComfyUI readers, the store, the listener, the election) can afford to.
            _commands.Writer.WriteAsync(command).AsTask().GetAwaiter().GetResult();
        }
    }

    public ValueTask PostAsync(TrackerCommand command, CancellationToken cancellationToken) =>
        _commands.Writer.WriteAsync(command, cancellationToken);

    /// <summary>True when this job's state comes from the tracker (ComfyUI), not from a row someone else writes.</summary>
    public bool IsFollowing(long jobId) => _jobs.ContainsKey(jobId);

    /// <summary>Prompt ids of jobs the tracker believes are queued or running on an instance (thread-safe; reads the hub).</summary>
    public IReadOnlyList<string> ActivePromptIds(string instance) =>
        [.. _hub.Jobs.Where(j => j.Instance == instance && j.Status.IsActive() && j.PromptId is not null).Select(j => j.PromptId!)];

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
                    Apply(command);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogCommandFailed(ex, command.GetType().Name);
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

    /// <summary>Folds one command. Public for tests, which drive the tracker synchronously.</summary>
    public void Apply(TrackerCommand command)
    {
        switch (command)
        {
            case RegisterJob r: OnRegister(r); break;
            case SubmissionAccepted a: Update(a.JobId, job => job.AcceptedAt ??= Now, publish: false); break;
            case SubmissionFailed f: OnSubmissionFailed(f); break;
            case InstanceEvent e: OnEvent(e.Instance, e.Event); break;
            case InstanceConnected c: OnConnected(c); break;
            case InstanceDisconnected d: OnDisconnected(d); break;
            case InstanceStatsReceived s: UpdateInstance(s.Instance, null, i => i with
            {
                Devices = s.Stats.Devices,
                ComfyUiVersion = s.Stats.ComfyUiVersion,
                VramHistory = AppendVram(i.VramHistory, s.Stats.Devices),
            }); break;
            case InstanceReconciled r: OnReconciled(r); break;
            case RestoreJobs r: OnRestore(r); break;
            case ReleaseJobs: OnRelease(); break;
            case AdoptJob a: OnAdopt(a); break;
            case ClockTick: OnTick(); break;
            default: throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "unknown tracker command");
        }
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private void OnRegister(RegisterJob command)
    {
        var r = command.Registration;
        var graph = WorkflowGraph.Parse(r.Graph);
        var frames = r.Kind == JobKind.Video ? r.FramesTotal ?? graph.FrameCount : null;
        var workflowKey = WorkflowKey.Compute(r.Graph);
        var snapshot = new JobSnapshot
        {
            Id = command.JobId,
            WorkflowKey = workflowKey,
            Title = r.Title,
            Kind = r.Kind,
            Status = JobStatus.Queued,
            Stage = Stage.Queued,
            FramesTotal = frames,
            FramesDone = frames is null ? null : 0,
            CreatedAt = Now,
            UpdatedAt = Now,
            Instance = r.Instance,
            PromptId = r.PromptId,
            Version = 1,
        };
        _jobs[command.JobId] = new TrackedJob(snapshot, graph)
        {
            Facts = new JobFacts(r.Kind, workflowKey, r.Instance),
            LastSignAt = Now,
        };
        _byPrompt[r.PromptId] = command.JobId;
        _hub.Publish(snapshot);
    }

    private void OnSubmissionFailed(SubmissionFailed failed) =>
        Update(failed.JobId, job => Finish(job, JobStatus.Failed, Stage.Failed, failed.Error));

    private void ForPrompt(string? promptId, Action<TrackedJob> change)
    {
        if (promptId is not null && _byPrompt.TryGetValue(promptId, out var id))
        {
            Update(id, job =>
            {
                job.LastSignAt = Now;
                if (job.Snapshot.Stalled)
                {
                    job.Snapshot = job.Snapshot with { Stalled = false };
                }

                change(job);
            });
        }
    }

    private void Update(long id, Action<TrackedJob> change, bool publish = true)
    {
        if (!_jobs.TryGetValue(id, out var job))
        {
            return;
        }

        change(job);
        if (publish)
        {
            PublishJob(job);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Tracker failed to fold a {Command}")]
    private partial void LogCommandFailed(Exception ex, string command);
}
