using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Telemetry;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// Folds one ComfyUI event: finds the job it is about (by prompt id, else the prompt the instance is
/// running), applies the transition, and publishes the job. Instance-level facts go to the registry.
/// </summary>
internal sealed class EventFolder(JobTable table, InstanceRegistry instances, JobTransitions transitions, JobPublisher publisher, TimeProvider time)
{
    // The message being folded, for its span's tags (the tracker folds on one thread).
    private ComfyUiEvent? _folding;

    public void Fold(string instance, ComfyUiEvent e)
    {
        _folding = e;
        var now = time.GetUtcNow();
        switch (e)
        {
            case StatusEvent s:
                instances.Update(instance, null, i => i with { QueueRemaining = s.QueueRemaining });
                break;
            case ExecutionStartEvent start:
                table.SetRunningPrompt(instance, start.PromptId);
                instances.Update(instance, null, i => i with { RunningPromptId = start.PromptId });
                ForPrompt(start.PromptId, job => transitions.MarkStarted(job, now));
                break;
            case ExecutionCachedEvent cached:
                ForPrompt(cached.PromptId, job => job.Progress.MarkCached(cached.Nodes));
                break;
            case ExecutingEvent { Node: null } ended:
                if (ended.PromptId is not null && table.RunningPrompt(instance) == ended.PromptId)
                {
                    table.SetRunningPrompt(instance, null);
                    instances.Update(instance, null, i => i with { RunningPromptId = null });
                }

                break;
            case ExecutingEvent executing:
                ForPrompt(executing.PromptId ?? table.RunningPrompt(instance), job => transitions.NodeStarted(job, executing.Node!, now));
                break;
            case ProgressEvent p:
                ForPrompt(p.PromptId ?? table.RunningPrompt(instance), job => JobTransitions.StepProgress(job, p));
                break;
            case ProgressStateEvent state:
                ForPrompt(state.PromptId, job => transitions.ProgressState(job, state, now));
                break;
            case ExecutedEvent executed:
                ForPrompt(executed.PromptId, job => job.Progress.MarkFinished(executed.Node));
                break;
            case ExecutionSuccessEvent success:
                ForPrompt(success.PromptId, job => transitions.Finish(job, JobStatus.Completed, Stage.Completed, null, now));
                break;
            case ExecutionErrorEvent error:
                ForPrompt(error.PromptId, job => transitions.Finish(job, JobStatus.Failed, Stage.Failed,
                    JobTransitions.DescribeError(error.NodeType, error.ExceptionType, error.ExceptionMessage), now));
                break;
            case PreviewEvent preview:
                ForPrompt(preview.PromptId ?? table.RunningPrompt(instance), job => transitions.Preview(job, preview, now));
                break;
            case ExecutionInterruptedEvent interrupted:
                ForPrompt(interrupted.PromptId, job => transitions.Finish(job, JobStatus.Cancelled, Stage.Cancelled,
                    interrupted.NodeType is null ? "Interrupted" : $"Interrupted during {interrupted.NodeType}", now));
                break;
        }
    }

    /// <summary>Any event about a job is a sign of life: it ends a stall before the change is applied.</summary>
    private void ForPrompt(string? promptId, Action<TrackedJob> change)
    {
        if (table.FindByPrompt(promptId) is not { } job)
        {
            return;
        }

        using var span = JobTracing.StartUnder(JobTracing.Message, job.Trace, job.Snapshot.Id, System.Diagnostics.ActivityKind.Consumer);
        span?.SetTag(JobTracing.MessageType, _folding?.GetType().Name);
        span?.SetTag(TelemetryNames.ComfyUiInstance, job.Snapshot.Instance);
        job.LastSignAt = time.GetUtcNow();
        if (job.Snapshot.Stalled)
        {
            job.Snapshot = job.Snapshot with { Stalled = false };
        }

        change(job);
        publisher.Publish(job);
    }
}
