using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// Applies the truth from an instance's <c>/queue</c> and <c>/history</c>: positions, starts and outcomes
/// of the jobs believed active there, prompts other programs queued (discovered as new jobs), and jobs
/// ComfyUI no longer knows (cancelled or lost, but only if accepted before the queue was read).
/// </summary>
internal sealed class QueueReconciliation(
    JobTable table, InstanceRegistry instances, JobTransitions transitions, JobPublisher publisher, IEtaModel eta, IJobIdSource ids, ActiveJobCap cap, ReturnedPrompts returned, AbandonedPromptIds abandoned, TimeProvider time)
{
    // Ids for the prompts this reconcile will discover, awaited before it is applied (PrepareAsync), so the
    // single-reader loop never blocks on the id source's round trip.
    private readonly Queue<long> _preparedIds = new();

    /// <summary>Reserves an id for every prompt in the queue (up to the cap) or the new history the table does not know yet; the loop awaits this before <see cref="Apply"/>.</summary>
    public async ValueTask PrepareAsync(InstanceReconciled r, CancellationToken cancellationToken)
    {
        var unknown = cap.CountAdmitted(r) + FinishedOnlyInHistory(r).Count();
        while (_preparedIds.Count < unknown)
        {
            _preparedIds.Enqueue(await ids.NextAsync(cancellationToken));
        }
    }

    public void Apply(InstanceReconciled r)
    {
        var now = time.GetUtcNow();
        // The history was read after the queue: a prompt in both finished in between, and the history is the later truth.
        var finished = (r.Finished ?? []).ToDictionary(e => e.PromptId, StringComparer.Ordinal);
        var running = r.Queue.Running.Count > 0 && !finished.ContainsKey(r.Queue.Running[0].PromptId) ? r.Queue.Running[0].PromptId : null;
        table.SetRunningPrompt(r.Instance, running);
        var admission = Discover(r, finished, now);
        foreach (var job in table.ActiveOn(r.Instance))
        {
            var promptId = job.Snapshot.PromptId!;
            var before = job.Snapshot;
            var history = finished.GetValueOrDefault(promptId) ?? r.History.GetValueOrDefault(promptId);
            if (history is not null)
            {
                transitions.ApplyHistory(job, history, now);
            }
            else if (promptId == running)
            {
                transitions.MarkStarted(job, now);
            }
            else if (r.Queue.PositionOf(promptId) is { } position)
            {
                job.AcceptedAt ??= now;
                job.Snapshot = job.Snapshot with { QueuePosition = position };
            }
            else if (job.AcceptedAt <= r.AsOf)
            {
                // In neither the queue nor the history: deleted while pending, or lost with a ComfyUI restart (reference §4).
                if (job.Snapshot.Status == JobStatus.Queued && r.AfterOutage && job.FromFleetQueue)
                {
                    // Lost before it started: it never ran, so it goes back to the fleet queue instead of failing.
                    ReturnToFleetQueue(job, r.Instance, promptId);
                    continue;
                }

                if (job.Snapshot.Status == JobStatus.Queued && !r.AfterOutage)
                {
                    transitions.Finish(job, JobStatus.Cancelled, Stage.Cancelled, "Removed from the ComfyUI queue", now);
                }
                else
                {
                    transitions.Finish(job, JobStatus.Failed, Stage.Failed, "Lost: ComfyUI no longer knows this job (restarted while it ran?)", now);
                }
            }

            if (!ReferenceEquals(before, job.Snapshot))
            {
                publisher.Publish(job);
            }
        }

        AdoptFinished(r, now);
        instances.Update(r.Instance, null, i => i with { QueueRemaining = r.Queue.Running.Count + r.Queue.Pending.Count, RunningPromptId = running, UntrackedQueued = admission.Untracked });
    }

    /// <summary>The job shows as waiting in the fleet queue again (no instance, no prompt) and is handed to the dispatcher.</summary>
    private void ReturnToFleetQueue(TrackedJob job, string instance, string promptId)
    {
        table.Remove(job.Snapshot.Id, out _);
        job.Snapshot = job.Snapshot with { Instance = null, PromptId = null, QueuePosition = null };
        job.AcceptedAt = null;
        table.Put(job);
        publisher.Publish(job);
        returned.Add(new ReturnedPrompt(job.Snapshot.Id, instance, promptId));
    }

    /// <summary>Finished prompts nobody follows that the queue no longer shows: adopted from the history alone.</summary>
    private IEnumerable<string> FinishedOnlyInHistory(InstanceReconciled r) =>
        (r.Finished ?? []).Select(e => e.PromptId)
            .Where(p => !r.Queue.Contains(p) && !table.TryGetIdOfPrompt(p, out _) && !abandoned.Contains(p))
            .Distinct(StringComparer.Ordinal);

    private long NextId() => _preparedIds.TryDequeue(out var prepared) ? prepared : ids.Next();

    /// <summary>Prompts in an instance's queue that AnimeProgress did not submit become jobs of that instance, up to the cap.</summary>
    private QueueAdmission Discover(InstanceReconciled r, Dictionary<string, HistoryEntry> finished, DateTimeOffset now)
    {
        var admission = cap.Admit(r);
        foreach (var item in r.Queue.Running.Concat(r.Queue.Pending))
        {
            var source = ForeignJobs.SourceOf(item.ClientId, r.OwnClientId);
            if (table.TryGetIdOfPrompt(item.PromptId, out var knownId))
            {
                if (table.TryGet(knownId, out var known))
                {
                    FollowKnown(known, item, source, r, now);
                }

                continue;
            }

            if (finished.ContainsKey(item.PromptId) || abandoned.Contains(item.PromptId))
            {
                // Already over by the time the history was read: adopted as finished, below. Abandoned by the fleet
                // queue: its job runs elsewhere, and the dispatcher deletes this copy (or reports that it ran).
                continue;
            }

            if (!admission.Followed.Contains(item.PromptId))
            {
                // Beyond the cap: counted and listed (UntrackedQueues), followed once room opens ahead of it.
                continue;
            }

            var job = ForeignJobs.NewJob(NextId(), item, r.Instance, r.OwnClientId, r.AsOf, now);
            table.Put(job);
            publisher.PublishNew(job.Snapshot);
        }

        return admission;
    }

    /// <summary>
    /// A prompt that ran and finished between two queue reads (a quick, cached or at-once failing graph) is known
    /// only from the history: it becomes a finished job with its real outcome and times. A prompt already followed
    /// (by its events or an earlier read) is not counted again; the cursor hands each entry over once.
    /// </summary>
    private void AdoptFinished(InstanceReconciled r, DateTimeOffset now)
    {
        foreach (var entry in r.Finished ?? [])
        {
            if (table.TryGetIdOfPrompt(entry.PromptId, out _) || abandoned.Contains(entry.PromptId))
            {
                continue;
            }

            var item = entry.Prompt ?? new QueueItem(0, entry.PromptId, null, null, []);
            var startedAt = entry.StartedAt ?? entry.FinishedAt ?? now;
            var job = ForeignJobs.NewJob(NextId(), item, r.Instance, r.OwnClientId, startedAt, now);
            job.Snapshot = job.Snapshot with { CreatedAt = entry.CreatedAt is { } created && created < startedAt ? created : startedAt };
            table.Put(job);
            transitions.MarkStarted(job, startedAt);
            transitions.ApplyHistory(job, entry, entry.FinishedAt ?? now);
            publisher.Publish(job);
        }
    }

    /// <summary>
    /// A job known from a row (restored by a node taking over, or adopted from another program) whose prompt
    /// ComfyUI still holds: its graph comes from the queue, so percent, stage and ETA move on from here.
    /// </summary>
    private void FollowKnown(TrackedJob known, QueueItem item, JobSource source, InstanceReconciled r, DateTimeOffset now)
    {
        var before = known.Snapshot;
        var job = known;
        if (!known.Progress.HasGraph && item.Graph is not null)
        {
            var graph = WorkflowGraph.Parse(item.Graph, item.Outputs);
            var key = known.Snapshot.WorkflowKey ?? WorkflowKey.Compute(item.Graph);
            var facts = new JobFacts(known.Snapshot.Kind, key, r.Instance);
            job = new TrackedJob(known.Snapshot with { WorkflowKey = key }, graph)
            {
                Facts = facts,
                AcceptedAt = known.AcceptedAt ?? r.AsOf,
                LastSignAt = now,
                Estimator = known.Snapshot.Status == JobStatus.Running ? eta.Start(facts, known.Snapshot.StartedAt ?? now) : null,
            };
            table.Put(job);
        }

        // A row adopted from the database: now that ComfyUI shows its prompt, it is followed like any other.
        if (job.Snapshot.Source == JobSource.Database)
        {
            job.Snapshot = job.Snapshot with { Source = source, Instance = r.Instance };
        }

        if (!ReferenceEquals(job, known) || job.Snapshot != before)
        {
            publisher.Publish(job);
        }
    }
}
