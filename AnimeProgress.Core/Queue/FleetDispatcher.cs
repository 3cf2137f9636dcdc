using System.Diagnostics;
using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence.Queue;
using AnimeProgress.Core.Telemetry;
using AnimeProgress.Core.Tracking;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Queue;

/// <summary>
/// Sends waiting jobs of the fleet queue to ComfyUI, on the ingesting node only (the leader in a cluster). An instance
/// gets a job only while none of our prompts waits there, so ComfyUI never idles between our jobs and the order stays
/// ours until the last moment. Each dispatch records instance and prompt id before the POST; a dispatch cut short (a
/// crash, an outage, a lost lease) is finished by asking that instance's queue and history for the prompt id first,
/// so no job is lost and none runs twice.
/// </summary>
public sealed partial class FleetDispatcher(
    FleetQueueStore store,
    FleetCapabilities capabilities,
    ComfyUiFleet fleet,
    ProgressTracker tracker,
    ProgressHub hub,
    IngestionGate ingestion,
    OwnPendingPrompts pending,
    DispatchSignal signal,
    NodeTypeCache nodeTypes,
    IDispatchFaults faults,
    IDispatchIncidents incidents,
    WaitingJobTraces traces,
    IOptions<QueueOptions> options,
    TimeProvider time,
    ILogger<FleetDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan RecentDispatch = TimeSpan.FromDays(1);
    private readonly QueueOptions _options = options.Value;
    private bool _recover = true;
    private DateTimeOffset _nextRecovery = DateTimeOffset.MinValue;
    private bool _paused;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private readonly HashSet<string> _freeAtRead = new(StringComparer.Ordinal);
    private readonly PendingPromptStarts _starts = new();

    // The lease ending or the host stopping cancels LeadAsync; the next leader finishes what was cut short. LeadAsync
    // catches its own failures, so the loop's restart is only a last line.
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var starts = hub.Subscribe(WakeOnStart, TimeSpan.Zero, subscriber: "dispatcher");
        await LeaderLoop.RunAsync(ingestion, time, LeadAsync, ex => LogPassFailed(ex, LeaderLoop.RestartPause.TotalSeconds), stoppingToken);
    }

    /// <summary>
    /// A pending prompt of ours that starts (or ends without starting) leaves its instance free: the next one is sent
    /// then, not at the next poll, so a short job on a fast GPU does not leave it idle (the dispatch gap).
    /// </summary>
    private ValueTask WakeOnStart(HubBatch batch, CancellationToken cancellationToken)
    {
        if (_starts.Observe(batch))
        {
            signal.Wake();
        }

        return ValueTask.CompletedTask;
    }

    private async Task LeadAsync(CancellationToken cancellationToken)
    {
        _recover = true;
        _readAt = DateTimeOffset.MinValue;
        var restored = false;
        while (true)
        {
            try
            {
                if (!restored)
                {
                    await RestoreAsync(cancellationToken);
                    restored = true;
                }

                await PassAsync(cancellationToken);
                await signal.WaitAsync(_options.PollInterval, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Database or ComfyUI failed mid-pass: whatever was being sent is checked before anything new goes out.
                _recover = true;
                _nextRecovery = DateTimeOffset.MinValue;
                LogPassFailed(ex, _options.RetryDelay.TotalSeconds);
                await Task.Delay(_options.RetryDelay, time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// After a restart or a change of leader the tracker may not know every job of the queue (its rows are written
    /// behind): waiting jobs are shown again, and jobs sent in the last day whose run is not over are followed again
    /// under their prompt id (a prompt the fleet already discovered under another id continues under the job's).
    /// </summary>
    private async Task RestoreAsync(CancellationToken cancellationToken)
    {
        await RestoreAbandonedAsync(cancellationToken);
        foreach (var row in await store.WaitingAsync(cancellationToken))
        {
            if (hub.Find(row.JobId) is null && !tracker.IsFollowing(row.JobId))
            {
                tracker.SeedIds(row.JobId);
                await tracker.PostAsync(new RegisterJob(row.JobId, FleetQueueRows.Registration(row, null, null)), cancellationToken);
            }
        }

        foreach (var row in await store.RecentlyDispatchedAsync(time.GetUtcNow() - RecentDispatch, cancellationToken))
        {
            var shown = hub.Find(row.JobId);
            if (row.Instance is null || row.PromptId is null || shown?.IsTerminal == true || shown?.PromptId == row.PromptId)
            {
                continue;
            }

            if (shown is null && await store.StoredJobAsync(row.JobId, cancellationToken) is { } stored
                && JobStatusNames.FromWire(stored.Status) is { } status && status.IsTerminal())
            {
                continue;
            }

            tracker.SeedIds(row.JobId);
            await tracker.PostAsync(new JobDispatched(row.JobId, FleetQueueRows.Registration(row, row.Instance, row.PromptId)), cancellationToken);
            await tracker.PostAsync(new SubmissionAccepted(row.JobId), cancellationToken);
        }
    }

    /// <summary>One look at the fleet: finish cut-short dispatches, then fill every free instance that a waiting job fits.</summary>
    internal async Task PassAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_recover && now >= _nextRecovery)
        {
            // While an instance with an unfinished dispatch is offline, it is asked again every reread interval, not every pass.
            _nextRecovery = now + _options.RereadInterval;
            _recover = !await RecoverAsync(cancellationToken);
        }

        await TakeBackReturnedAsync(cancellationToken);
        await ReclaimFromOfflineAsync(now, cancellationToken);
        if (_abandoned.Count > 0)
        {
            await ClearAbandonedAsync(cancellationToken);
        }

        var changed = signal.TakeChanged();
        if (changed || now - _readAt > _options.RereadInterval)
        {
            _paused = await store.IsPausedAsync(cancellationToken);
        }

        if (_paused)
        {
            return;
        }

        var instances = await capabilities.CurrentAsync(cancellationToken);
        var busy = pending.BusyInstances();
        busy.UnionWith(UncleanInstances());
        var free = instances.Where(i => i.Online && !i.Draining && !busy.Contains(i.Name)).ToList();
        // The waiting list is read again only when it may hold something new for a free instance: the queue changed,
        // an instance became free since the last read, or the reread interval passed (changes made on other nodes).
        // Not on every pass: an instance that nothing waiting fits would otherwise reread the whole queue every poll.
        _freeAtRead.IntersectWith(free.Select(i => i.Name));
        var newlyFree = free.Any(i => !_freeAtRead.Contains(i.Name));
        if (free.Count == 0 || (!changed && !newlyFree && now - _readAt <= _options.RereadInterval))
        {
            return;
        }

        var waiting = await store.WaitingAsync(cancellationToken);
        _readAt = now;
        _freeAtRead.Clear();
        _freeAtRead.UnionWith(free.Select(i => i.Name));
        await ShowSubmittedElsewhereAsync(waiting, cancellationToken);
        nodeTypes.KeepOnly(waiting);
        foreach (var row in waiting)
        {
            if (free.Count == 0)
            {
                break;
            }

            var needs = FleetQueueRows.NeedsOf(row);
            var types = nodeTypes.Of(row);
            var target = free
                .Where(i => (row.PinnedInstance is null || i.Name == row.PinnedInstance) && Placement.Misfit(needs, types, i, unknownFits: false) is null)
                .OrderBy(i => i.QueueRemaining)
                .ThenBy(i => i.Name, StringComparer.Ordinal)
                .FirstOrDefault();
            if (target is null || fleet.Find(target.Name) is not { } connection)
            {
                continue;
            }

            free.Remove(target);
            // Sent work: once its prompt starts, the instance is free again and worth a new read.
            _freeAtRead.Remove(target.Name);
            await DispatchAsync(row, connection, cancellationToken);
        }
    }

    /// <summary>Waiting jobs another node of the cluster took (only the leader's tracker shows jobs): shown as queued here.</summary>
    private async Task ShowSubmittedElsewhereAsync(List<FleetQueueRow> waiting, CancellationToken cancellationToken)
    {
        foreach (var row in waiting)
        {
            if (hub.Find(row.JobId) is null && !tracker.IsFollowing(row.JobId))
            {
                tracker.SeedIds(row.JobId);
                await tracker.PostAsync(new RegisterJob(row.JobId, FleetQueueRows.Registration(row, null, null)), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Jobs an instance lost while they were pending (it went offline and came back without them) wait again at their
    /// old place, to be sent under a new prompt id: ComfyUI no longer knows the old one, so none runs twice.
    /// </summary>
    private async Task TakeBackReturnedAsync(CancellationToken cancellationToken)
    {
        foreach (var returned in tracker.TakeReturnedToQueue())
        {
            if (await store.TryRequeueAsync(returned.JobId, returned.PromptId, cancellationToken))
            {
                LogReturned(returned.JobId, returned.Instance, returned.PromptId);
                await incidents.RecordAsync(new DispatchIncident(DispatchIncidentKind.Returned, returned.JobId, returned.Instance, returned.PromptId,
                    $"{returned.Instance} came back without prompt {returned.PromptId}, pending there when it went offline; the job waits in the fleet queue again"));
                signal.Signal();
            }
        }
    }

    private async Task DispatchAsync(FleetQueueRow row, ComfyUiConnection connection, CancellationToken cancellationToken)
    {
        // A fleet-relayed prompt keeps the id its client was given, on every dispatch (issue 17); it is never taken back
        // from an instance while that instance may still hold it (FleetDispatcher.Reclaim), so it cannot run twice.
        var promptId = FleetQueueRows.FixedPromptIdOf(row) ?? Guid.NewGuid().ToString("D");
        if (!await store.TryStartDispatchAsync(row.JobId, connection.Instance.Name, promptId, cancellationToken))
        {
            // Cancelled or taken since it was read: nothing was sent.
            return;
        }

        pending.Sent(connection.Instance.Name, row.JobId);
        await faults.AfterAsync(DispatchStep.Recorded, row.JobId, cancellationToken);
        await SendAsync(row, connection, promptId, cancellationToken);
    }

    /// <summary>Posts the prompt under its recorded id and confirms it; the tracker follows it on that instance from before the POST.</summary>
    private async Task SendAsync(FleetQueueRow row, ComfyUiConnection connection, string promptId, CancellationToken cancellationToken)
    {
        // The POST to ComfyUI, in the job's trace when it was submitted by this process (HttpClient's span nests under it).
        using var dispatch = JobTracing.StartUnder(JobTracing.Dispatch, traces.Take(row.JobId), row.JobId, ActivityKind.Client);
        dispatch?.SetTag(TelemetryNames.ComfyUiInstance, connection.Instance.Name);
        await tracker.PostAsync(new JobDispatched(row.JobId, FleetQueueRows.Registration(row, connection.Instance.Name, promptId)), cancellationToken);
        var extra = FleetQueueRows.ExtraDataOf(row);
        try
        {
            await connection.Http.SubmitAsync(FleetQueueRows.Graph(row), connection.ClientId, promptId, extra, front: false, cancellationToken);
        }
        catch (ComfyUiRejectedException ex)
        {
            dispatch?.SetStatus(ActivityStatusCode.Error, ex.Message);
            // ComfyUI refused the graph: the job fails with its reason; sending it again would be refused again.
            await store.TryFinishDispatchAsync(row.JobId, promptId, QueueEntryState.Failed, cancellationToken);
            await tracker.PostAsync(new SubmissionFailed(row.JobId, "Submission failed: " + ex.Message), cancellationToken);
            LogRejected(row.JobId, connection.Instance.Name, ex.Message);
            return;
        }

        await faults.AfterAsync(DispatchStep.Sent, row.JobId, cancellationToken);
        await store.TryFinishDispatchAsync(row.JobId, promptId, QueueEntryState.Dispatched, cancellationToken);
        await faults.AfterAsync(DispatchStep.Confirmed, row.JobId, cancellationToken);
        await tracker.PostAsync(new SubmissionAccepted(row.JobId), cancellationToken);
        LogDispatched(row.JobId, connection.Instance.Name, promptId);
    }

    /// <summary>
    /// Dispatches cut short: the instance is asked whether it holds the prompt (queue) or ran it (history). If so the
    /// dispatch is confirmed; if not, it is sent now under the same prompt id. An instance that is offline is asked
    /// when it is back. True when none is left.
    /// </summary>
    private async Task<bool> RecoverAsync(CancellationToken cancellationToken)
    {
        var done = true;
        foreach (var row in await store.InStateAsync(QueueEntryState.Dispatching, cancellationToken))
        {
            if (row.Instance is not { } name || row.PromptId is not { } promptId || fleet.Find(name) is not { IsOnline: true } connection)
            {
                done = false;
                continue;
            }

            pending.Sent(name, row.JobId);
            var queue = await connection.Http.GetQueueAsync(cancellationToken);
            var known = queue.Contains(promptId) || await connection.Http.GetHistoryAsync(promptId, cancellationToken) is not null;
            if (known)
            {
                await tracker.PostAsync(new JobDispatched(row.JobId, FleetQueueRows.Registration(row, name, promptId)), cancellationToken);
                await store.TryFinishDispatchAsync(row.JobId, promptId, QueueEntryState.Dispatched, cancellationToken);
                await tracker.PostAsync(new SubmissionAccepted(row.JobId), cancellationToken);
                LogRecovered(row.JobId, name, promptId, "ComfyUI already had it; not sent again");
            }
            else
            {
                LogRecovered(row.JobId, name, promptId, "ComfyUI did not have it; sending it now");
                await SendAsync(row, connection, promptId, cancellationToken);
            }
        }

        return done;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} dispatched to {Instance} as prompt {PromptId}")]
    private partial void LogDispatched(long jobId, string instance, string promptId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} was pending on {Instance} (prompt {PromptId}) when it went offline and came back without it; it waits in the fleet queue again")]
    private partial void LogReturned(long jobId, string instance, string promptId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} was refused by {Instance}: {Error}")]
    private partial void LogRejected(long jobId, string instance, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unfinished dispatch of job {JobId} to {Instance} (prompt {PromptId}): {Outcome}")]
    private partial void LogRecovered(long jobId, string instance, string promptId, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dispatch pass failed; unfinished dispatches are checked again in {DelaySeconds:0.#} s")]
    private partial void LogPassFailed(Exception ex, double delaySeconds);
}
