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
    JobTable table, InstanceRegistry instances, JobTransitions transitions, JobPublisher publisher, IEtaModel eta, IJobIdSource ids, ActiveJobCap cap, TimeProvider time)
{
    // Ids for the prompts this reconcile will discover, awaited before it is applied (PrepareAsync), so the
    // single-reader loop never blocks on the id source's round trip.
    private readonly Queue<long> _preparedIds = new();

    /// <summary>Reserves an id for every prompt in the queue the table does not know yet and will follow; the loop awaits this before <see cref="Apply"/>.</summary>
    public async ValueTask PrepareAsync(InstanceReconciled r, CancellationToken cancellationToken)
    {
        var unknown = cap.CountAdmitted(r);
        while (_preparedIds.Count < unknown)
        {
            _preparedIds.Enqueue(await ids.NextAsync(cancellationToken));
        }
    }

    public void Apply(InstanceReconciled r)
    {
        var now = time.GetUtcNow();
        var running = r.Queue.Running.Count > 0 ? r.Queue.Running[0].PromptId : null;
        table.SetRunningPrompt(r.Instance, running);
        var admission = Discover(r, now);
        foreach (var job in table.ActiveOn(r.Instance))
        {
            var promptId = job.Snapshot.PromptId!;
            var before = job.Snapshot;
            if (promptId == running)
            {
                transitions.MarkStarted(job, now);
            }
            else if (r.Queue.PositionOf(promptId) is { } position)
            {
                job.AcceptedAt ??= now;
                job.Snapshot = job.Snapshot with { QueuePosition = position };
            }
            else if (r.History.GetValueOrDefault(promptId) is { } history)
            {
                transitions.ApplyHistory(job, history, now);
            }
            else if (job.AcceptedAt <= r.AsOf)
            {
                // In neither the queue nor the history: deleted while pending, or lost with a ComfyUI restart (reference §4).
                if (job.Snapshot.Status == JobStatus.Queued)
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

        instances.Update(r.Instance, null, i => i with { QueueRemaining = r.Queue.Running.Count + r.Queue.Pending.Count, RunningPromptId = running, UntrackedQueued = admission.Untracked });
    }

    /// <summary>Prompts in an instance's queue that AnimeProgress did not submit become jobs of that instance, up to the cap.</summary>
    private QueueAdmission Discover(InstanceReconciled r, DateTimeOffset now)
    {
        var admission = cap.Admit(r);
        foreach (var item in r.Queue.Running.Concat(r.Queue.Pending))
        {
            var clientId = item.ClientId;
            var source = clientId is null ? JobSource.Broadcast
                : clientId == r.OwnClientId ? JobSource.AnimeProgress
                : JobSource.External;
            if (table.TryGetIdOfPrompt(item.PromptId, out var knownId))
            {
                if (table.TryGet(knownId, out var known))
                {
                    FollowKnown(known, item, source, r, now);
                }

                continue;
            }

            if (!admission.Followed.Contains(item.PromptId))
            {
                // Beyond the cap: counted and listed (UntrackedQueues), followed once room opens ahead of it.
                continue;
            }

            var graph = WorkflowGraph.Parse(item.Graph, item.Outputs);
            var kind = graph.Nodes.Values.Any(n => ForeignJobs.IsVideoNode(n.ClassType)) ? JobKind.Video : JobKind.Image;
            var workflowKey = WorkflowKey.Compute(item.Graph);
            var id = _preparedIds.TryDequeue(out var prepared) ? prepared : ids.Next();
            var job = new QueuedJob(id, ForeignJobs.TitleOf(item), kind, r.Instance, item.PromptId, graph, workflowKey)
            {
                Source = source,
                FramesTotal = kind == JobKind.Video ? graph.FrameCount : null,
                AcceptedAt = r.AsOf,
            }.Track(now);
            table.Put(job);
            publisher.PublishNew(job.Snapshot);
        }

        return admission;
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
