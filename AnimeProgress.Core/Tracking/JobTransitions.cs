using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Previews;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// How one job's working state moves: starts, nodes, steps, previews, outcome. No routing, no
/// publishing and no clock of its own (the time is passed in), so each step can be tested alone.
/// </summary>
internal sealed class JobTransitions(StageMap stageMap, IEtaModel eta, PreviewStore previews, TrackerOptions options)
{
    public void MarkStarted(TrackedJob job, DateTimeOffset now)
    {
        if (job.Snapshot.Status != JobStatus.Queued)
        {
            return;
        }

        job.AcceptedAt ??= now;
        job.LastSignAt = now;
        job.Estimator = eta.Start(job.Facts, now);
        job.Snapshot = job.Snapshot with
        {
            Status = JobStatus.Running,
            Stage = Stage.Initializing,
            StartedAt = job.Snapshot.StartedAt ?? now,
            QueuePosition = null,
        };
    }

    public void NodeStarted(TrackedJob job, string nodeId, DateTimeOffset now)
    {
        MarkStarted(job, now);
        if (job.CurrentNode is { } previous && previous != nodeId)
        {
            // Older servers send no progress_state: the next node starting means the last one finished.
            job.Progress.MarkFinished(previous);
        }

        job.CurrentNode = nodeId;
        var classType = job.Graph.ClassTypeOf(nodeId);
        var stage = stageMap.StageOf(classType) ?? job.Snapshot.Stage;
        job.Snapshot = job.Snapshot with { Stage = stage, CurrentNodeType = classType ?? job.Snapshot.CurrentNodeType };
    }

    public static void StepProgress(TrackedJob job, ProgressEvent p)
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

    public void ProgressState(TrackedJob job, ProgressStateEvent state, DateTimeOffset now)
    {
        MarkStarted(job, now);
        NodeProgress? running = null;
        foreach (var node in state.Nodes)
        {
            if (node.Finished)
            {
                job.Progress.MarkFinished(node.NodeId);
            }
            else
            {
                job.Progress.Report(node.NodeId, node.Value, node.Max);
                // The executing node's activity, else the last running one's (the state is cumulative, in start order).
                if (running?.NodeId != job.CurrentNode)
                {
                    running = node;
                }
            }
        }

        if (running?.Activity != job.Snapshot.Activity)
        {
            job.Snapshot = job.Snapshot with { Activity = running?.Activity };
        }
    }

    public void Preview(TrackedJob job, PreviewEvent preview, DateTimeOffset now)
    {
        if (job.Snapshot.IsTerminal || !previews.Put(job.Snapshot.Id, preview.MediaType, preview.Image, now))
        {
            return;
        }

        // The image itself is served over HTTP; the snapshot only says a newer one exists, at most once per interval.
        if (now - job.PreviewShownAt >= options.PreviewInterval)
        {
            job.PreviewShownAt = now;
            job.Snapshot = job.Snapshot with { PreviewVersion = (job.Snapshot.PreviewVersion ?? 0) + 1 };
        }
    }

    public void Finish(TrackedJob job, JobStatus status, Stage stage, string? error, DateTimeOffset now)
    {
        if (job.Snapshot.IsTerminal)
        {
            return;
        }

        if (status == JobStatus.Completed)
        {
            job.Progress.Complete();
        }

        job.CloseStage(now);
        previews.Remove(job.Snapshot.Id);
        if (job.Snapshot.StartedAt is { } started && status != JobStatus.Cancelled)
        {
            eta.RecordFinished(job.Facts, now - started, job.StageDurations, status == JobStatus.Completed);
        }

        job.Snapshot = job.Snapshot with
        {
            Status = status,
            Stage = stage,
            Error = error,
            FinishedAt = now,
            StartedAt = job.Snapshot.StartedAt ?? (status == JobStatus.Completed ? now : null),
            QueuePosition = null,
            Activity = null,
            EtaSeconds = status == JobStatus.Completed ? 0 : null,
        };
    }

    /// <summary>The outcome ComfyUI's history records for a prompt that left the queue while nobody watched.</summary>
    public void ApplyHistory(TrackedJob job, HistoryEntry history, DateTimeOffset now)
    {
        // Another program's job was seen starting only when a queue read or a broadcast caught it running, which can be
        // seconds (or a whole outage) late: ComfyUI's own record of its start and creation is the truth for it. A job
        // followed through its own events keeps the times they gave.
        var foreign = job.Snapshot.Source is JobSource.External or JobSource.Broadcast;
        job.Snapshot = job.Snapshot with
        {
            StartedAt = foreign ? history.StartedAt ?? job.Snapshot.StartedAt : job.Snapshot.StartedAt ?? history.StartedAt,
            CreatedAt = foreign && history.CreatedAt is { } created && created < job.Snapshot.CreatedAt ? created : job.Snapshot.CreatedAt,
        };
        switch (history.Outcome)
        {
            case HistoryOutcome.Success:
                Finish(job, JobStatus.Completed, Stage.Completed, null, now);
                break;
            case HistoryOutcome.Interrupted:
                Finish(job, JobStatus.Cancelled, Stage.Cancelled, "Interrupted", now);
                break;
            default:
                Finish(job, JobStatus.Failed, Stage.Failed, DescribeError(history.ErrorNodeType, null, history.ErrorMessage), now);
                break;
        }

        if (history.FinishedAt is { } finished)
        {
            job.Snapshot = job.Snapshot with { FinishedAt = finished };
        }
    }

    public static string DescribeError(string? nodeType, string? exceptionType, string? message)
    {
        var text = string.IsNullOrWhiteSpace(message) ? exceptionType ?? "Execution failed" : message.Trim();
        return nodeType is null ? text : $"{nodeType}: {text}";
    }
}
