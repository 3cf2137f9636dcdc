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
    private readonly Dictionary<long, TrackedJob> _jobs = [];
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
    private long _nextId;
    private int _ticks;

    public ProgressTracker(
        ProgressHub hub,
        StageMap stageMap,
        IEtaModel eta,
        PreviewStore previews,
        TimeProvider time,
        IOptions<TrackerOptions> options,
        ILogger<ProgressTracker> logger)
    {
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
        var id = Interlocked.Increment(ref _nextId);
        Post(new RegisterJob(id, registration));
        return id;
    }

    /// <summary>Ids continue after the highest one the store has seen.</summary>
    public void SeedIds(long highestExistingId)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _nextId);
            if (current >= highestExistingId)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _nextId, highestExistingId, current) != current);
    }

    public void Post(TrackerCommand command)
    {
        if (!_commands.Writer.TryWrite(command))
        {
            // Full: wait rather than lose an event; only ComfyUI readers can get here and they can afford to.
            _commands.Writer.WriteAsync(command).AsTask().GetAwaiter().GetResult();
        }
    }

    public ValueTask PostAsync(TrackerCommand command, CancellationToken cancellationToken) =>
        _commands.Writer.WriteAsync(command, cancellationToken);

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

    private void OnEvent(string instance, ComfyUiEvent e)
    {
        switch (e)
        {
            case StatusEvent s:
                UpdateInstance(instance, null, i => i with { QueueRemaining = s.QueueRemaining });
                break;
            case ExecutionStartEvent start:
                _runningPrompt[instance] = start.PromptId;
                UpdateInstance(instance, null, i => i with { RunningPromptId = start.PromptId });
                ForPrompt(start.PromptId, MarkStarted);
                break;
            case ExecutionCachedEvent cached:
                ForPrompt(cached.PromptId, job => job.Progress.MarkCached(cached.Nodes));
                break;
            case ExecutingEvent { Node: null } ended:
                if (ended.PromptId is not null && _runningPrompt.GetValueOrDefault(instance) == ended.PromptId)
                {
                    _runningPrompt.Remove(instance);
                    UpdateInstance(instance, null, i => i with { RunningPromptId = null });
                }

                break;
            case ExecutingEvent executing:
                ForPrompt(executing.PromptId ?? _runningPrompt.GetValueOrDefault(instance), job => OnNodeStarted(job, executing.Node!));
                break;
            case ProgressEvent p:
                ForPrompt(p.PromptId ?? _runningPrompt.GetValueOrDefault(instance), job => OnStepProgress(job, p));
                break;
            case ProgressStateEvent state:
                ForPrompt(state.PromptId, job =>
                {
                    MarkStarted(job);
                    foreach (var node in state.Nodes)
                    {
                        if (node.Finished)
                        {
                            job.Progress.MarkFinished(node.NodeId);
                        }
                        else
                        {
                            job.Progress.Report(node.NodeId, node.Value, node.Max);
                        }
                    }
                });
                break;
            case ExecutedEvent executed:
                ForPrompt(executed.PromptId, job => job.Progress.MarkFinished(executed.Node));
                break;
            case ExecutionSuccessEvent success:
                ForPrompt(success.PromptId, job => Finish(job, JobStatus.Completed, Stage.Completed, null));
                break;
            case ExecutionErrorEvent error:
                ForPrompt(error.PromptId, job => Finish(job, JobStatus.Failed, Stage.Failed, DescribeError(error.NodeType, error.ExceptionType, error.ExceptionMessage)));
                break;
            case PreviewEvent preview:
                ForPrompt(preview.PromptId ?? _runningPrompt.GetValueOrDefault(instance), job => OnPreview(job, preview));
                break;
            case ExecutionInterruptedEvent interrupted:
                ForPrompt(interrupted.PromptId, job => Finish(job, JobStatus.Cancelled, Stage.Cancelled,
                    interrupted.NodeType is null ? "Interrupted" : $"Interrupted during {interrupted.NodeType}"));
                break;
        }
    }

    private void OnPreview(TrackedJob job, PreviewEvent preview)
    {
        if (job.Snapshot.IsTerminal || !_previews.Put(job.Snapshot.Id, preview.MediaType, preview.Image, Now))
        {
            return;
        }

        // The image itself is served over HTTP; the snapshot only says a newer one exists, at most once per interval.
        if (Now - job.PreviewShownAt >= _options.PreviewInterval)
        {
            job.PreviewShownAt = Now;
            job.Snapshot = job.Snapshot with { PreviewVersion = (job.Snapshot.PreviewVersion ?? 0) + 1 };
        }
    }

    private void MarkStarted(TrackedJob job)
    {
        if (job.Snapshot.Status != JobStatus.Queued)
        {
            return;
        }

        job.AcceptedAt ??= Now;
        job.LastSignAt = Now;
        job.Estimator = _eta.Start(job.Facts, Now);
        job.Snapshot = job.Snapshot with
        {
            Status = JobStatus.Running,
            Stage = Stage.Initializing,
            StartedAt = job.Snapshot.StartedAt ?? Now,
            QueuePosition = null,
        };
    }

    private void OnNodeStarted(TrackedJob job, string nodeId)
    {
        MarkStarted(job);
        if (job.CurrentNode is { } previous && previous != nodeId)
        {
            // Older servers send no progress_state: the next node starting means the last one finished.
            job.Progress.MarkFinished(previous);
        }

        job.CurrentNode = nodeId;
        var classType = job.Graph.ClassTypeOf(nodeId);
        var stage = _stageMap.StageOf(classType) ?? job.Snapshot.Stage;
        job.Snapshot = job.Snapshot with { Stage = stage, CurrentNodeType = classType ?? job.Snapshot.CurrentNodeType };
    }

    private static void OnStepProgress(TrackedJob job, ProgressEvent p)
    {
        var nodeId = p.Node ?? job.CurrentNode;
        if (nodeId is null)
        {
            return;
        }

        job.Progress.Report(nodeId, p.Value, p.Max);
        // A per-frame progress bar (max = the job's frame count, outside the samplers, which count steps) reports frames directly.
        if (job.Snapshot.FramesTotal is { } total && (int)p.Max == total && job.Graph.Nodes.TryGetValue(nodeId, out var node) && node.Steps is null)
        {
            job.ReportedFrames = Math.Clamp((int)p.Value, 0, total);
        }
    }

    private void Finish(TrackedJob job, JobStatus status, Stage stage, string? error)
    {
        if (job.Snapshot.IsTerminal)
        {
            return;
        }

        if (status == JobStatus.Completed)
        {
            job.Progress.Complete();
        }

        CloseStage(job);
        _previews.Remove(job.Snapshot.Id);
        if (job.Snapshot.StartedAt is { } started && status != JobStatus.Cancelled)
        {
            _eta.RecordFinished(job.Facts, Now - started, job.StageDurations, status == JobStatus.Completed);
        }

        job.Snapshot = job.Snapshot with
        {
            Status = status,
            Stage = stage,
            Error = error,
            FinishedAt = Now,
            StartedAt = job.Snapshot.StartedAt ?? (status == JobStatus.Completed ? Now : null),
            QueuePosition = null,
            EtaSeconds = status == JobStatus.Completed ? 0 : null,
        };
    }

    private void OnConnected(InstanceConnected c) =>
        UpdateInstance(c.Instance, c.BaseUrl, i => i with { Online = true, Since = Now, ReconnectAttempt = 0, NextRetryAt = null });

    private void OnDisconnected(InstanceDisconnected d)
    {
        _runningPrompt.Remove(d.Instance);
        UpdateInstance(d.Instance, d.BaseUrl, i => i with
        {
            Online = false,
            Since = i.Online || i.Since == default ? Now : i.Since,
            LastError = d.Error ?? i.LastError,
            ReconnectAttempt = d.Attempt,
            NextRetryAt = d.NextRetryAt,
        });
    }

    private void OnReconciled(InstanceReconciled r)
    {
        var running = r.Queue.Running.Count > 0 ? r.Queue.Running[0].PromptId : null;
        if (running is null)
        {
            _runningPrompt.Remove(r.Instance);
        }
        else
        {
            _runningPrompt[r.Instance] = running;
        }

        Discover(r);
        foreach (var job in _jobs.Values.Where(j => j.Snapshot.Instance == r.Instance && j.Snapshot.Status.IsActive() && j.Snapshot.PromptId is not null).ToList())
        {
            var promptId = job.Snapshot.PromptId!;
            var before = job.Snapshot;
            if (promptId == running)
            {
                MarkStarted(job);
            }
            else if (r.Queue.PositionOf(promptId) is { } position)
            {
                job.AcceptedAt ??= Now;
                job.Snapshot = job.Snapshot with { QueuePosition = position };
            }
            else if (r.History.GetValueOrDefault(promptId) is { } history)
            {
                ApplyHistory(job, history);
            }
            else if (job.AcceptedAt <= r.AsOf)
            {
                // In neither the queue nor the history: deleted while pending, or lost with a ComfyUI restart (reference §4).
                if (job.Snapshot.Status == JobStatus.Queued)
                {
                    Finish(job, JobStatus.Cancelled, Stage.Cancelled, "Removed from the ComfyUI queue");
                }
                else
                {
                    Finish(job, JobStatus.Failed, Stage.Failed, "Lost: ComfyUI no longer knows this job (restarted while it ran?)");
                }
            }

            if (!ReferenceEquals(before, job.Snapshot))
            {
                PublishJob(job);
            }
        }

        UpdateInstance(r.Instance, null, i => i with { QueueRemaining = r.Queue.Running.Count + r.Queue.Pending.Count, RunningPromptId = running });
    }

    /// <summary>Prompts in an instance's queue that AnimeProgress did not submit become jobs of that instance.</summary>
    private void Discover(InstanceReconciled r)
    {
        foreach (var item in r.Queue.Running.Concat(r.Queue.Pending))
        {
            if (_byPrompt.ContainsKey(item.PromptId))
            {
                continue;
            }

            var clientId = item.ClientId;
            var source = clientId is null ? JobSource.Broadcast
                : clientId == r.OwnClientId ? JobSource.AnimeProgress
                : JobSource.External;
            var graph = WorkflowGraph.Parse(item.Graph, item.Outputs);
            var kind = graph.Nodes.Values.Any(n => ForeignJobs.IsVideoNode(n.ClassType)) ? JobKind.Video : JobKind.Image;
            var id = Interlocked.Increment(ref _nextId);
            var workflowKey = WorkflowKey.Compute(item.Graph);
            var snapshot = new JobSnapshot
            {
                Id = id,
                WorkflowKey = workflowKey,
                Title = ForeignJobs.TitleOf(item),
                Kind = kind,
                Status = JobStatus.Queued,
                Stage = Stage.Queued,
                Source = source,
                FramesTotal = kind == JobKind.Video ? graph.FrameCount : null,
                CreatedAt = Now,
                UpdatedAt = Now,
                Instance = r.Instance,
                PromptId = item.PromptId,
                Version = 1,
            };
            _jobs[id] = new TrackedJob(snapshot, graph)
            {
                Facts = new JobFacts(kind, workflowKey, r.Instance),
                AcceptedAt = r.AsOf,
                LastSignAt = Now,
            };
            _byPrompt[item.PromptId] = id;
            _hub.Publish(snapshot);
        }
    }

    private void ApplyHistory(TrackedJob job, HistoryEntry history)
    {
        job.Snapshot = job.Snapshot with { StartedAt = job.Snapshot.StartedAt ?? history.StartedAt };
        switch (history.Outcome)
        {
            case HistoryOutcome.Success:
                Finish(job, JobStatus.Completed, Stage.Completed, null);
                break;
            case HistoryOutcome.Interrupted:
                Finish(job, JobStatus.Cancelled, Stage.Cancelled, "Interrupted");
                break;
            default:
                Finish(job, JobStatus.Failed, Stage.Failed, DescribeError(history.ErrorNodeType, null, history.ErrorMessage));
                break;
        }

        if (history.FinishedAt is { } finished)
        {
            job.Snapshot = job.Snapshot with { FinishedAt = finished };
        }
    }

    private void OnRestore(RestoreJobs restore)
    {
        foreach (var snapshot in restore.Jobs)
        {
            SeedIds(snapshot.Id);
            var job = new TrackedJob(snapshot, WorkflowGraph.Empty) { AcceptedAt = snapshot.PromptId is null ? null : snapshot.UpdatedAt };
            _jobs[snapshot.Id] = job;
            if (snapshot.PromptId is not null)
            {
                _byPrompt[snapshot.PromptId] = snapshot.Id;
            }

            _hub.Publish(snapshot);
        }
    }

    private void OnTick()
    {
        var now = Now;
        var expired = new List<long>();
        foreach (var job in _jobs.Values)
        {
            if (job.Snapshot.Status == JobStatus.Running)
            {
                var stalled = job.Snapshot.HasStepDetail && now - job.LastSignAt > _options.StallAfter;
                if (stalled != job.Snapshot.Stalled)
                {
                    job.Snapshot = job.Snapshot with { Stalled = stalled };
                }

                PublishJob(job);
            }
            else if (job.Snapshot.FinishedAt is { } finished && now - finished > _options.FinishedRetention)
            {
                expired.Add(job.Snapshot.Id);
            }
        }

        // Queued jobs' finish estimates move slowly; refresh them every few ticks, not every second.
        if (++_ticks % 5 == 0)
        {
            EstimateQueued();
        }

        var finishedJobs = _jobs.Values.Where(j => j.Snapshot.IsTerminal).ToList();
        if (finishedJobs.Count > _options.MaxFinishedRetained)
        {
            expired.AddRange(finishedJobs.OrderBy(j => j.Snapshot.FinishedAt).Take(finishedJobs.Count - _options.MaxFinishedRetained).Select(j => j.Snapshot.Id));
        }

        foreach (var id in expired.Distinct())
        {
            if (_jobs.Remove(id, out var job) && job.Snapshot.PromptId is { } promptId)
            {
                _byPrompt.Remove(promptId);
            }

            _hub.Forget(id);
        }
    }

    /// <summary>
    /// A queued job finishes after the running job's remaining time, the expected runs of the jobs
    /// ahead of it on its instance, and its own expected run. Waiting never counts as run time.
    /// Unknown (null) as soon as any part of that chain has no history.
    /// </summary>
    private void EstimateQueued()
    {
        foreach (var instance in _jobs.Values.Where(j => j.Snapshot.Status == JobStatus.Queued).GroupBy(j => j.Snapshot.Instance))
        {
            var running = _jobs.Values.FirstOrDefault(j => j.Snapshot.Instance == instance.Key && j.Snapshot.Status == JobStatus.Running);
            double? ahead = running is null ? 0 : running.Snapshot.EtaSeconds;
            foreach (var job in instance.OrderBy(j => j.Snapshot.QueuePosition ?? int.MaxValue).ThenBy(j => j.Snapshot.Id))
            {
                var own = _eta.ExpectedRunSeconds(job.Facts);
                double? finish = ahead is { } a && own is { } o ? a + o : null;
                var old = job.Snapshot.EtaSeconds;
                if (finish is null != old is null || (finish is { } f && old is { } prev && Math.Abs(f - prev) > Math.Max(5, 0.1 * prev)))
                {
                    job.Snapshot = job.Snapshot with { EtaSeconds = finish is null ? null : Math.Round(finish.Value), EtaLowSeconds = null, EtaHighSeconds = null };
                    PublishJob(job);
                }

                ahead = finish;
            }
        }
    }

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

    /// <summary>Derives percent, frames, rate and ETA from the working state and publishes the new snapshot.</summary>
    private void PublishJob(TrackedJob job)
    {
        var now = Now;
        var s = job.Snapshot;
        var percent = s.Status == JobStatus.Completed ? 100 : job.Progress.HasGraph ? job.Progress.Percent : s.Percent;
        percent = Math.Max(percent, s.Status.IsActive() ? s.Percent : 0);
        var estimate = new Estimate(s.RatePercentPerMinute, s.RateTrend, s.EtaSeconds, s.EtaLowSeconds, s.EtaHighSeconds);
        if (s.Status == JobStatus.Running && !s.HasStepDetail)
        {
            // No step progress exists for these jobs: never invent a percent; an ETA only from history.
            var expected = _eta.ExpectedRunSeconds(job.Facts);
            var elapsed = (now - (s.StartedAt ?? now)).TotalSeconds;
            var remaining = expected is { } e ? Math.Max(0, e - elapsed) : (double?)null;
            estimate = new Estimate(null, RateTrend.Unknown, remaining, remaining, remaining);
        }
        else if (s.Status == JobStatus.Running && job.Estimator is { } estimator)
        {
            TrackStage(job, s.Stage, now);
            estimator.Observe(now, percent, s.Stage);
            estimate = estimator.EstimateAt(now);
        }
        else if (s.Status.IsTerminal())
        {
            estimate = estimate with { EtaSeconds = s.EtaSeconds, EtaLowSeconds = s.EtaSeconds, EtaHighSeconds = s.EtaSeconds };
        }

        var (framesDone, estimated) = Frames(job, s.Status, percent);
        job.Snapshot = s with
        {
            Percent = Math.Round(percent, 1),
            RatePercentPerMinute = Round(estimate.RatePercentPerMinute, 1),
            RateTrend = estimate.Trend,
            EtaSeconds = Round(estimate.EtaSeconds, 0),
            EtaLowSeconds = Round(estimate.EtaLowSeconds, 0),
            EtaHighSeconds = Round(estimate.EtaHighSeconds, 0),
            FramesDone = framesDone,
            FramesEstimated = estimated,
            UpdatedAt = now,
            Version = s.Version + 1,
        };
        _hub.Publish(job.Snapshot);
    }

    private static double? Round(double? value, int digits) => value is { } v && double.IsFinite(v) ? Math.Round(v, digits) : null;

    private static void TrackStage(TrackedJob job, Stage stage, DateTimeOffset now)
    {
        if (job.CurrentStage is { } current && current.Stage == stage)
        {
            return;
        }

        CloseStage(job, now);
        job.CurrentStage = (stage, now);
    }

    private void CloseStage(TrackedJob job) => CloseStage(job, Now);

    private static void CloseStage(TrackedJob job, DateTimeOffset now)
    {
        if (job.CurrentStage is { } current)
        {
            job.StageDurations[current.Stage] = job.StageDurations.GetValueOrDefault(current.Stage) + (now - current.Since);
            job.CurrentStage = null;
        }
    }

    private static (int? Done, bool Estimated) Frames(TrackedJob job, JobStatus status, double percent)
    {
        if (job.Snapshot.FramesTotal is not { } total)
        {
            return (null, false);
        }

        if (status == JobStatus.Completed)
        {
            return (total, false);
        }

        if (job.ReportedFrames is { } reported)
        {
            return (reported, false);
        }

        return ((int)Math.Floor(total * percent / 100), true);
    }

    private void UpdateInstance(string name, Uri? baseUrl, Func<InstanceStatus, InstanceStatus> change)
    {
        if (!_instances.TryGetValue(name, out var current))
        {
            if (baseUrl is null)
            {
                return;
            }

            current = new InstanceStatus { Name = name, BaseUrl = baseUrl, Since = Now };
        }

        var next = change(current);
        _instances[name] = next;
        _hub.Publish(next);
    }

    private static List<double> AppendVram(IReadOnlyList<double> history, IReadOnlyList<DeviceStats> devices)
    {
        var list = history.ToList();
        if (devices.Count > 0 && devices[0].VramTotal > 0)
        {
            list.Add(Math.Clamp((double)devices[0].VramUsed / devices[0].VramTotal, 0, 1));
        }

        return list.Count > InstanceStatus.VramHistoryLength ? list[^InstanceStatus.VramHistoryLength..] : list;
    }

    private static string DescribeError(string? nodeType, string? exceptionType, string? message)
    {
        var text = string.IsNullOrWhiteSpace(message) ? exceptionType ?? "Execution failed" : message.Trim();
        return nodeType is null ? text : $"{nodeType}: {text}";
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Tracker failed to fold a {Command}")]
    private partial void LogCommandFailed(Exception ex, string command);
}
