using System.Globalization;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Jobs;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence.Queue;
using AnimeProgress.Core.Tracking;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Queue;

/// <summary>
/// What operators do to the fleet queue and its jobs: cancel, retry, priority, move, pause and resume, drain and return
/// an instance, its labels. Each says in a sentence what it did or why it could not; none checks who asks (the web
/// layer does, then audits). A job's state changes by conditional updates, so of two actions at once one wins.
/// </summary>
public sealed partial class QueueActions(
    FleetQueueStore store,
    FleetQueue queue,
    FleetCapabilities capabilities,
    ComfyUiFleet fleet,
    ProgressHub hub,
    ProgressTracker tracker,
    DispatchSignal signal,
    IOptions<QueueOptions> options,
    TimeProvider time,
    ILogger<QueueActions> logger)
{
    /// <summary>How long a cancel waits for a dispatch in flight (one POST to ComfyUI) to settle before it answers "try again".</summary>
    private static readonly TimeSpan DispatchSettleWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Cancels a job wherever it is: waiting in the fleet queue (it never reaches ComfyUI), pending on ComfyUI (deleted
    /// from its queue) or running there (interrupted by its prompt id, so only this job stops if it still runs).
    /// </summary>
    public async Task<QueueActionResult> CancelAsync(long jobId, CancellationToken cancellationToken)
    {
        var row = await store.FindAsync(jobId, cancellationToken);
        if (row is not null && QueueEntryStates.FromWire(row.State) == QueueEntryState.Waiting)
        {
            if (await store.TryCancelWaitingAsync(jobId, cancellationToken))
            {
                tracker.Post(new JobWithdrawn(jobId, JobStatus.Cancelled, "Cancelled while it waited in the fleet queue"));
                signal.Signal();
                return QueueActionResult.Done($"Job #{jobId} was cancelled while it waited in the fleet queue; nothing reached ComfyUI.");
            }

            // Lost a race (another cancel, or the dispatcher took it): decide again on what it is now.
            row = await store.FindAsync(jobId, cancellationToken);
        }

        // Being sent: ComfyUI may not hold the prompt yet, so a delete now could miss it. The POST settles in moments.
        row = await AfterDispatchSettlesAsync(jobId, row, cancellationToken);

        switch (row is null ? (QueueEntryState?)null : QueueEntryStates.FromWire(row.State))
        {
            case QueueEntryState.Dispatching:
                return QueueActionResult.Conflict($"Job #{jobId} is being sent to {row!.Instance} at this moment; cancel it again in a second.");
            case QueueEntryState.Cancelled:
                return QueueActionResult.Conflict($"Job #{jobId} was already cancelled.");
            case QueueEntryState.Failed:
                return QueueActionResult.Conflict($"Job #{jobId} already failed: ComfyUI refused it.");
        }

        var (status, instance, promptId) = await WhereAsync(jobId, row, cancellationToken);
        if (status is null)
        {
            return QueueActionResult.NotFound($"There is no job #{jobId}.");
        }

        if (status.Value.IsTerminal())
        {
            return QueueActionResult.Conflict($"Job #{jobId} already ended ({status.Value.ToWire()}); there is nothing to cancel.");
        }

        if (instance is null || promptId is null || fleet.Find(instance) is not { } connection)
        {
            return QueueActionResult.Conflict($"Job #{jobId} is not on a ComfyUI instance AnimeProgress can reach, so it cannot be cancelled from here.");
        }

        if (!connection.IsOnline)
        {
            return QueueActionResult.Conflict($"{instance} is offline: job #{jobId} cannot be cancelled until it is back.");
        }

        return await CancelOnComfyUiAsync(jobId, connection, promptId, cancellationToken);
    }

    /// <summary>Submits a failed, cancelled or lost job again (same graph, needs and priority) as a new job linked to it.</summary>
    public async Task<QueueActionResult> RetryAsync(long jobId, string? submittedBy, CancellationToken cancellationToken)
    {
        var row = await store.FindAsync(jobId, cancellationToken);
        var (status, _, _) = await WhereAsync(jobId, row, cancellationToken);
        if (status is null)
        {
            return QueueActionResult.NotFound($"There is no job #{jobId}.");
        }

        if (status is not (JobStatus.Failed or JobStatus.Cancelled))
        {
            return QueueActionResult.Conflict($"Job #{jobId} is {status.Value.ToWire()}: only a failed, cancelled or lost job can be retried.");
        }

        if (row is null)
        {
            return QueueActionResult.Conflict($"Job #{jobId} was not submitted through AnimeProgress, so its workflow is not kept here; submit it again from where it came.");
        }

        try
        {
            var id = await queue.EnqueueAsync(FleetQueueRows.ToRequest(row, submittedBy), cancellationToken);
            LogRetried(jobId, id);
            return QueueActionResult.Done($"Job #{jobId} is queued again as job #{id} (retry of #{jobId}).", id);
        }
        catch (JobRefusedException ex)
        {
            return new QueueActionResult(QueueActionOutcome.Unplaceable, ex.Message);
        }
    }

    public async Task<QueueActionResult> SetPriorityAsync(long jobId, int priority, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxPriority;
        if (priority < -max || priority > max)
        {
            return QueueActionResult.BadInput(string.Create(CultureInfo.InvariantCulture, $"A priority must be between {-max} and {max} (got {priority})."));
        }

        if (await store.TrySetPriorityAsync(jobId, priority, cancellationToken))
        {
            signal.Signal();
            return QueueActionResult.Done(string.Create(CultureInfo.InvariantCulture, $"Job #{jobId} now has priority {priority} and waits behind the jobs of the same or higher priority."));
        }

        return await NotWaitingAsync(jobId, "its priority can no longer change", cancellationToken);
    }

    public async Task<QueueActionResult> MoveAsync(long jobId, QueueMove move, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(move);
        if (move.To == QueueMoveTarget.Before && move.BeforeJobId == jobId)
        {
            return QueueActionResult.BadInput($"Job #{jobId} cannot move before itself.");
        }

        if (await store.TryMoveAsync(jobId, move, cancellationToken))
        {
            signal.Signal();
            return QueueActionResult.Done($"Job #{jobId} moved {move.Describe()}.");
        }

        if (move.To == QueueMoveTarget.Before && move.BeforeJobId is { } other
            && await store.FindAsync(jobId, cancellationToken) is { } own && QueueEntryStates.FromWire(own.State) == QueueEntryState.Waiting)
        {
            return await store.FindAsync(other, cancellationToken) is null && hub.Find(other) is null
                ? QueueActionResult.NotFound($"There is no job #{other} to move before.")
                : QueueActionResult.Conflict($"Job #{other} no longer waits in the fleet queue, so nothing can move before it.");
        }

        return await NotWaitingAsync(jobId, "it can no longer be moved", cancellationToken);
    }

    public async Task<QueueActionResult> SetPausedAsync(bool paused, string? by, CancellationToken cancellationToken)
    {
        var changed = await store.SetPausedAsync(paused, by, cancellationToken);
        signal.Signal();
        var state = paused ? "paused: nothing new is sent to ComfyUI; what runs or waits there goes on" : "running: waiting jobs are sent again";
        return QueueActionResult.Done(changed ? $"The queue is {state}." : $"The queue was already {(paused ? "paused" : "running")}.");
    }

    /// <summary>Drains an instance (it finishes what it has and takes nothing new) or returns it to work.</summary>
    public async Task<QueueActionResult> SetDrainingAsync(string name, bool draining, string? by, CancellationToken cancellationToken)
    {
        if (fleet.Find(name) is null)
        {
            return QueueActionResult.NotFound($"There is no ComfyUI instance '{name}'.");
        }

        await store.UpdateInstanceAsync(name, row => row.Draining = draining, by, cancellationToken);
        capabilities.SettingsChanged();
        signal.Signal();
        return QueueActionResult.Done(draining
            ? $"{name} is drained: it finishes what it runs and has queued, and takes nothing new."
            : $"{name} takes jobs again.");
    }

    public async Task<QueueActionResult> SetLabelsAsync(string name, IEnumerable<string?> labels, string? by, CancellationToken cancellationToken)
    {
        if (fleet.Find(name) is null)
        {
            return QueueActionResult.NotFound($"There is no ComfyUI instance '{name}'.");
        }

        var (normalized, error) = InstanceLabels.Normalize(labels);
        if (normalized is null)
        {
            return QueueActionResult.BadInput(error!);
        }

        await store.UpdateInstanceAsync(name, row => row.Labels = string.Join(",", normalized), by, cancellationToken);
        capabilities.SettingsChanged();
        signal.Signal();
        return QueueActionResult.Done(normalized.Count == 0 ? $"{name} has no labels now." : $"{name} is labelled {string.Join(", ", normalized)}.");
    }

    private async Task<QueueActionResult> CancelOnComfyUiAsync(long jobId, ComfyUiConnection connection, string promptId, CancellationToken cancellationToken)
    {
        if (connection.Features.JobsApi)
        {
            return await CancelThroughJobApiAsync(jobId, connection, promptId, cancellationToken);
        }

        var name = connection.Instance.Name;
        // Deleting a prompt that is not pending (running, finished) does nothing, so this is safe in every case.
        await connection.Http.DeleteFromQueueAsync([promptId], cancellationToken);
        var queueNow = await connection.Http.GetQueueAsync(cancellationToken);
        if (queueNow.Running.Any(i => i.PromptId == promptId))
        {
            // Named by prompt id: ComfyUI sets its interrupt flag only if this prompt still runs, never stopping the next one.
            await connection.Http.InterruptAsync(promptId, cancellationToken);
            LogCancelled(jobId, name, "interrupted");
            return QueueActionResult.Done($"Job #{jobId} was running on {name}: it is interrupted (the interrupt names its prompt, so only this job stops; ComfyUI stops it at its next step).");
        }

        if (queueNow.PositionOf(promptId) is not null)
        {
            return QueueActionResult.Conflict($"{name} still lists job #{jobId} as pending after the delete; try again.");
        }

        if (await connection.Http.GetHistoryAsync(promptId, cancellationToken) is { } history)
        {
            return QueueActionResult.Conflict($"Job #{jobId} had already finished on {name} ({history.Outcome.ToString().ToLowerInvariant()}) when the cancel arrived.");
        }

        tracker.Post(new JobWithdrawn(jobId, JobStatus.Cancelled, "Removed from the ComfyUI queue before it started"));
        LogCancelled(jobId, name, "removed from the pending queue");
        return QueueActionResult.Done($"Job #{jobId} was pending on {name}: it is removed from its queue before it started.");
    }

    /// <summary>
    /// Newer servers (reference §9): one <c>POST /api/jobs/{id}/cancel</c> dequeues a pending prompt or interrupts the running
    /// one, atomically on the server, so no delete-then-interrupt race can stop the next job. The job's state afterwards
    /// (one read) only words the answer and withdraws a dequeued job, which ComfyUI never reports on.
    /// </summary>
    private async Task<QueueActionResult> CancelThroughJobApiAsync(long jobId, ComfyUiConnection connection, string promptId, CancellationToken cancellationToken)
    {
        var name = connection.Instance.Name;
        var cancelled = await connection.Http.CancelJobAsync(promptId, cancellationToken);
        var after = await connection.Http.GetJobAsync(promptId, cancellationToken);
        if (after is null)
        {
            // Unknown to ComfyUI now: dequeued by this cancel (or gone before it), and a removed prompt never reports.
            tracker.Post(new JobWithdrawn(jobId, JobStatus.Cancelled, "Removed from the ComfyUI queue before it started"));
            LogCancelled(jobId, name, "removed from the pending queue (job API)");
            return QueueActionResult.Done($"Job #{jobId} was pending on {name}: it is removed from its queue before it started.");
        }

        if (cancelled)
        {
            LogCancelled(jobId, name, "interrupted (job API)");
            return QueueActionResult.Done($"Job #{jobId} was running on {name}: it is interrupted (ComfyUI's job API stops only this job, at its next step).");
        }

        return after.IsFinished
            ? QueueActionResult.Conflict($"Job #{jobId} had already finished on {name} ({ComfyUiJobReader.Wire(after.Status)}) when the cancel arrived.")
            : QueueActionResult.Conflict($"{name} did not cancel job #{jobId} (it is {ComfyUiJobReader.Wire(after.Status)}); try again.");
    }

    private async Task<FleetQueueRow?> AfterDispatchSettlesAsync(long jobId, FleetQueueRow? row, CancellationToken cancellationToken)
    {
        var deadline = time.GetTimestamp() + (long)(DispatchSettleWait.TotalSeconds * time.TimestampFrequency);
        while (row is not null && QueueEntryStates.FromWire(row.State) == QueueEntryState.Dispatching && time.GetTimestamp() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);
            row = await store.FindAsync(jobId, cancellationToken);
        }

        return row;
    }

    /// <summary>A job's status, instance and prompt id: from the hub while it shows the job, else from the stored rows.</summary>
    private async Task<(JobStatus? Status, string? Instance, string? PromptId)> WhereAsync(long jobId, FleetQueueRow? row, CancellationToken cancellationToken)
    {
        // The queue row ends a job before the hub shows it (a cancel of a waiting job answers at once): a row that says
        // cancelled or failed is the truth over a snapshot that still shows the job waiting.
        if (hub.Find(jobId) is { } snapshot && !(row?.State is "cancelled" or "failed" && !snapshot.IsTerminal))
        {
            return (snapshot.Status, snapshot.Instance ?? row?.Instance, snapshot.PromptId ?? row?.PromptId);
        }

        if (await store.StoredJobAsync(jobId, cancellationToken) is { } stored)
        {
            return (JobStatusNames.FromWire(stored.Status) ?? JobStatus.Failed, stored.ComfyUiInstance ?? row?.Instance, stored.ComfyUiJobId ?? row?.PromptId);
        }

        return row is null ? (null, null, null) : (row.State switch
        {
            "cancelled" => JobStatus.Cancelled,
            "failed" => JobStatus.Failed,
            _ => JobStatus.Queued,
        }, row.Instance, row.PromptId);
    }

    private async Task<QueueActionResult> NotWaitingAsync(long jobId, string consequence, CancellationToken cancellationToken)
    {
        var row = await store.FindAsync(jobId, cancellationToken);
        var (status, instance, _) = await WhereAsync(jobId, row, cancellationToken);
        if (status is null)
        {
            return QueueActionResult.NotFound($"There is no job #{jobId}.");
        }

        var where = status.Value.IsTerminal() ? $"it already ended ({status.Value.ToWire()})"
            : instance is not null ? $"it was sent to {instance} ({status.Value.ToWire()})"
            : "it is not in the fleet queue";
        return QueueActionResult.Conflict($"Job #{jobId} no longer waits in the fleet queue ({where}), so {consequence}.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} retried as job {NewJobId}")]
    private partial void LogRetried(long jobId, long newJobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} cancelled on {Instance}: {How}")]
    private partial void LogCancelled(long jobId, string instance, string how);
}
