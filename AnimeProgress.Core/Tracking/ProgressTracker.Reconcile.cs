using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Tracking;

// The truth from /queue and /history after a (re)connect or a queue change, and instance state.
public sealed partial class ProgressTracker
{
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
            var clientId = item.ClientId;
            var source = clientId is null ? JobSource.Broadcast
                : clientId == r.OwnClientId ? JobSource.AnimeProgress
                : JobSource.External;
            if (_byPrompt.TryGetValue(item.PromptId, out var knownId))
            {
                if (_jobs.TryGetValue(knownId, out var known))
                {
                    FollowKnown(known, item, source, r);
                }

                continue;
            }

            var graph = WorkflowGraph.Parse(item.Graph, item.Outputs);
            var kind = graph.Nodes.Values.Any(n => ForeignJobs.IsVideoNode(n.ClassType)) ? JobKind.Video : JobKind.Image;
            var id = _idSource.Next();
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

    /// <summary>
    /// A job known from a row (restored by a node taking over, or adopted from another program) whose prompt
    /// ComfyUI still holds: its graph comes from the queue, so percent, stage and ETA move on from here.
    /// </summary>
    private void FollowKnown(TrackedJob known, QueueItem item, JobSource source, InstanceReconciled r)
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
                LastSignAt = Now,
                Estimator = known.Snapshot.Status == JobStatus.Running ? _eta.Start(facts, known.Snapshot.StartedAt ?? Now) : null,
            };
            _jobs[known.Snapshot.Id] = job;
        }

        // A row adopted from the database: now that ComfyUI shows its prompt, it is followed like any other.
        if (job.Snapshot.Source == JobSource.Database)
        {
            job.Snapshot = job.Snapshot with { Source = source, Instance = r.Instance };
        }

        if (!ReferenceEquals(job, known) || job.Snapshot != before)
        {
            PublishJob(job);
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
}
