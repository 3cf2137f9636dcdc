using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence.Queue;
using AnimeProgress.Core.Submission;
using AnimeProgress.Core.Telemetry;
using AnimeProgress.Core.Tracking;

namespace AnimeProgress.Core.Queue;

/// <summary>
/// Jobs submitted through AnimeProgress enter here (the API, the pages, the demo): refused at once if no instance can
/// ever take them, else stored as waiting and shown as queued; the <see cref="FleetDispatcher"/> sends them. In a
/// cluster any node takes submissions: the row is the queue, and the leader's dispatcher picks it up from the database.
/// </summary>
public sealed class FleetQueue(
    FleetQueueStore store,
    FleetCapabilities capabilities,
    ProgressTracker tracker,
    OwnPendingPrompts pending,
    DispatchSignal signal,
    NodeTypeCache nodeTypes,
    WaitingJobTraces traces,
    IngestionGate ingestion,
    TimeProvider time)
{
    /// <summary>Adds a job to the queue; throws <see cref="JobRefusedException"/> with the sentence when no instance can ever take it.</summary>
    public async Task<long> EnqueueAsync(JobRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var instances = await capabilities.CurrentAsync(cancellationToken);
        var refusal = Placement.NeverFits(request.Needs ?? JobNeeds.None, GraphNodeTypes.Of(request.Workflow), request.Instance, instances);
        if (refusal is not null)
        {
            throw new JobRefusedException(refusal);
        }

        // The root of the job's trace (under the HTTP request's span when it came through the API); its dispatch joins it.
        using var submit = JobTracing.StartSubmit();
        var id = await tracker.NextJobIdAsync(cancellationToken);
        submit?.SetTag(TelemetryNames.JobId, id);
        var row = FleetQueueRows.FromRequest(id, request, time.GetUtcNow());
        await store.AddAsync(row, request.Front, cancellationToken);
        var trace = submit?.Context ?? default;
        if (!ingestion.IsLeader)
        {
            // Only the leader's tracker shows jobs (a second one would write them twice): its dispatcher reads this row
            // within its reread interval, shows it as queued and sends it; this node sees it through the leader's rows.
            return id;
        }

        traces.Remember(id, trace);
        // Posted to the tracker before the dispatcher is woken (its dispatch must follow the registration); answered
        // once the job is published, so its address can be read at once.
        var registered = tracker.RegisterAsync(id, FleetQueueRows.Registration(row, null, null) with { Trace = trace }, cancellationToken);
        signal.Signal();
        await registered;
        return id;
    }

    /// <summary>The queue in dispatch order, each waiting job with the instance it would go to now or the sentence why it waits.</summary>
    public async Task<QueueView> ViewAsync(CancellationToken cancellationToken)
    {
        var paused = await store.IsPausedAsync(cancellationToken);
        var instances = await capabilities.CurrentAsync(cancellationToken);
        var sending = await store.InStateAsync(QueueEntryState.Dispatching, cancellationToken);
        var waiting = await store.WaitingAsync(cancellationToken);
        var busy = pending.BusyInstances();
        var free = instances.Where(i => i.Online && !i.Draining && !busy.Contains(i.Name)).ToList();
        var entries = new List<QueueEntryView>(sending.Count + waiting.Count);
        entries.AddRange(sending.Select(row => Entry(row, QueueEntryState.Dispatching, row.Instance, $"Being sent to {row.Instance}.")));
        var ahead = 0;
        foreach (var row in waiting)
        {
            var needs = FleetQueueRows.NeedsOf(row);
            var types = nodeTypes.Of(row);
            bool Fits(InstanceCapability i) =>
                (row.PinnedInstance is null || i.Name == row.PinnedInstance) && Placement.Misfit(needs, types, i, unknownFits: false) is null;
            var next = free.Where(Fits).OrderBy(i => i.QueueRemaining).ThenBy(i => i.Name, StringComparer.Ordinal).FirstOrDefault();
            string reason;
            string? instance;
            if (paused)
            {
                instance = null;
                reason = "The queue is paused.";
            }
            else if (next is not null)
            {
                free.Remove(next);
                instance = next.Name;
                reason = $"Goes to {next.Name} next.";
            }
            else
            {
                // Where it will most likely run: the least loaded instance that fits at all.
                instance = instances.Where(i => i.Online && !i.Draining && Fits(i)).OrderBy(i => i.QueueRemaining).Select(i => i.Name).FirstOrDefault();
                reason = Placement.WhyWaiting(needs, types, row.PinnedInstance, instances, name => busy.Contains(name) || !free.Any(f => f.Name == name));
                if (ahead > 0 && instance is not null)
                {
                    reason = $"{reason} {ahead} job{(ahead == 1 ? "" : "s")} ahead.";
                }
            }

            ahead++;
            entries.Add(Entry(row, QueueEntryState.Waiting, instance, reason));
        }

        return new QueueView(paused, entries, instances);
    }

    private static QueueEntryView Entry(FleetQueueRow row, QueueEntryState state, string? instance, string reason) => new(
        row.JobId, row.Title, FleetQueueRows.KindOf(row), row.Priority, row.SubmittedBy, row.SubmittedAt, FleetQueueRows.NeedsOf(row),
        row.PinnedInstance, row.RetryOf, state, instance, reason);
}
