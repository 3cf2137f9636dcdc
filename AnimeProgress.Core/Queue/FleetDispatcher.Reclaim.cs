using System.Globalization;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.Queue;

/// <summary>
/// Instances that go away (issue 16 item 7): what was pending on one that stays offline longer than
/// <see cref="QueueOptions.ReclaimPendingAfter"/> goes back to the fleet queue and runs elsewhere under a new prompt id;
/// the abandoned prompt is remembered in the database and deleted from that instance when it is back, before anything
/// else is sent there. A job that was running there is left to the tracker (lost if the instance comes back without it).
/// </summary>
public sealed partial class FleetDispatcher
{
    private readonly Dictionary<string, DateTimeOffset> _offlineSince = new(StringComparer.Ordinal);
    private readonly List<AbandonedPrompt> _abandoned = [];
    private DateTimeOffset _nextReclaimLook = DateTimeOffset.MinValue;

    /// <summary>Instances that still hold a prompt we abandoned: nothing new goes there until it is cleared.</summary>
    private HashSet<string> UncleanInstances() => [.. _abandoned.Select(a => a.Instance)];

    /// <summary>After a restart or a change of leader: the prompts abandoned earlier are still to be cleared.</summary>
    private async Task RestoreAbandonedAsync(CancellationToken cancellationToken)
    {
        _abandoned.Clear();
        _offlineSince.Clear();
        foreach (var abandoned in await store.AbandonedAsync(cancellationToken))
        {
            _abandoned.Add(abandoned);
            tracker.IgnoreAbandonedPrompt(abandoned.PromptId);
        }
    }

    /// <summary>Takes back the jobs pending on instances offline for longer than the reclaim time (looked at every reread interval).</summary>
    private async Task ReclaimFromOfflineAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var overdue = new List<string>();
        foreach (var connection in fleet.Connections)
        {
            var name = connection.Instance.Name;
            if (connection.IsOnline)
            {
                _offlineSince.Remove(name);
            }
            else if (!_offlineSince.TryGetValue(name, out var since))
            {
                // Counted from when this leader first saw it offline: a new leader waits the full time again, never less.
                _offlineSince[name] = now;
            }
            else if (now - since >= _options.ReclaimPendingAfter)
            {
                overdue.Add(name);
            }
        }

        if (overdue.Count == 0 || now < _nextReclaimLook)
        {
            return;
        }

        _nextReclaimLook = now + _options.RereadInterval;
        foreach (var row in await store.SentToAsync(overdue, now - RecentDispatch, cancellationToken))
        {
            // A fleet-relayed prompt must keep its id, and the same id on two instances could run twice: it waits for its
            // instance to come back (and is sent again under the same id only if that instance lost it).
            if (row.Instance is not { } name || row.PromptId is not { } promptId || FleetQueueRows.FixedPromptIdOf(row) is not null
                || !await NeverStartedAsync(row.JobId, name, promptId, cancellationToken))
            {
                continue;
            }

            var abandoned = new AbandonedPrompt(row.JobId, name, promptId);
            tracker.IgnoreAbandonedPrompt(promptId);
            if (!await store.TryReclaimAsync(abandoned, cancellationToken))
            {
                continue;
            }

            _abandoned.Add(abandoned);
            // Shown as waiting again (no instance, no prompt); the dispatch below sends it under a new prompt id.
            await tracker.PostAsync(new JobDispatched(row.JobId, FleetQueueRows.Registration(row, null, null)), cancellationToken);
            var offline = (now - _offlineSince[name]).TotalSeconds;
            LogReclaimed(row.JobId, name, promptId, offline);
            await incidents.RecordAsync(new DispatchIncident(DispatchIncidentKind.Reclaimed, row.JobId, name, promptId,
                string.Create(CultureInfo.InvariantCulture, $"pending on {name} as prompt {promptId}, offline for {offline:0} s; back in the fleet queue, to be sent elsewhere under a new prompt id")));
            signal.Signal();
        }
    }

    /// <summary>
    /// Whether the job is known to be pending, never started: the hub shows it queued under this prompt there, and the
    /// stored row never recorded a start (the hub of a new leader shows a restored job as queued until ComfyUI says more).
    /// </summary>
    private async Task<bool> NeverStartedAsync(long jobId, string instance, string promptId, CancellationToken cancellationToken)
    {
        if (hub.Find(jobId) is not { Status: JobStatus.Queued } shown || shown.Instance != instance || shown.PromptId != promptId)
        {
            return false;
        }

        return await store.StoredJobAsync(jobId, cancellationToken) is not { } stored
            || (stored.StartedAt is null && JobStatusNames.FromWire(stored.Status) is null or JobStatus.Queued);
    }

    /// <summary>
    /// Clears the abandoned prompts of every instance that is back: deleted from its queue if still pending there; if
    /// ComfyUI ran it or runs it (it kept working while unreachable), that is said in a warning, and a running one is
    /// interrupted by its prompt id, so only that one stops.
    /// </summary>
    private async Task ClearAbandonedAsync(CancellationToken cancellationToken)
    {
        foreach (var abandoned in _abandoned.ToList())
        {
            if (fleet.Find(abandoned.Instance) is not { IsOnline: true } connection)
            {
                continue;
            }

            try
            {
                await ClearAsync(abandoned, connection, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                // Gone again before it was cleared: it stays remembered, and the instance takes nothing new until it is.
                LogClearFailed(ex, abandoned.JobId, abandoned.Instance, abandoned.PromptId);
            }
        }
    }

    private async Task ClearAsync(AbandonedPrompt abandoned, ComfyUi.ComfyUiConnection connection, CancellationToken cancellationToken)
    {
        var queue = await connection.Http.GetQueueAsync(cancellationToken);
        var runsAs = hub.Find(abandoned.JobId)?.PromptId;
        if (queue.Running.Any(i => i.PromptId == abandoned.PromptId))
        {
            await connection.Http.InterruptAsync(abandoned.PromptId, cancellationToken);
            await RanTwiceAsync(abandoned, runsAs, "was running it; it is interrupted");
        }
        else if (queue.PositionOf(abandoned.PromptId) is not null)
        {
            await connection.Http.DeleteFromQueueAsync([abandoned.PromptId], cancellationToken);
            LogAbandonedDeleted(abandoned.JobId, abandoned.Instance, abandoned.PromptId, runsAs);
        }
        else if (await connection.Http.GetHistoryAsync(abandoned.PromptId, cancellationToken) is { } history)
        {
            await RanTwiceAsync(abandoned, runsAs, $"ran it while unreachable ({history.Outcome.ToString().ToLowerInvariant()})");
        }

        await store.ForgetAbandonedAsync(abandoned, cancellationToken);
        _abandoned.Remove(abandoned);
        signal.Signal();
    }

    private async Task RanTwiceAsync(AbandonedPrompt abandoned, string? runsAs, string what)
    {
        LogAbandonedRan(abandoned.JobId, abandoned.Instance, abandoned.PromptId, runsAs, what);
        await incidents.RecordAsync(new DispatchIncident(DispatchIncidentKind.RanTwice, abandoned.JobId, abandoned.Instance, abandoned.PromptId,
            $"did not run only once: {abandoned.Instance} {what} as its abandoned prompt {abandoned.PromptId}, while the job was sent again as prompt {runsAs ?? "(unknown)"}"));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: could not clear its abandoned prompt {PromptId} from {Instance} yet; tried again on the next pass")]
    private partial void LogClearFailed(Exception ex, long jobId, string instance, string promptId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} was pending on {Instance} (prompt {PromptId}), offline for {OfflineSeconds:0.#} s; it waits in the fleet queue again and will be sent elsewhere under a new prompt id")]
    private partial void LogReclaimed(long jobId, string instance, string promptId, double offlineSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: {Instance} is back and its abandoned prompt {PromptId} was deleted from its queue before it ran (the job runs as prompt {NewPromptId})")]
    private partial void LogAbandonedDeleted(long jobId, string instance, string promptId, string? newPromptId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} did not run only once: {Instance} {What} as its abandoned prompt {PromptId}, while the job was sent again as prompt {NewPromptId}")]
    private partial void LogAbandonedRan(long jobId, string instance, string promptId, string? newPromptId, string what);
}
