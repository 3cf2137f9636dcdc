using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Tracking;

// Folding ComfyUI events into a job: start, nodes, steps, previews, outcome.
public sealed partial class ProgressTracker
{
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

    private static string DescribeError(string? nodeType, string? exceptionType, string? message)
    {
        var text = string.IsNullOrWhiteSpace(message) ? exceptionType ?? "Execution failed" : message.Trim();
        return nodeType is null ? text : $"{nodeType}: {text}";
    }
}
