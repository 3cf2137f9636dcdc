using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Previews;
using AnimeProgress.Core.Telemetry;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// Jobs AnimeProgress submits: registered before the POST (or while they wait in the fleet queue), dispatched to an
/// instance, then accepted by ComfyUI or failed; withdrawn when they leave the fleet queue unsent.
/// </summary>
internal sealed class SubmittedJobs(JobTable table, JobTransitions transitions, JobPublisher publisher, PreviewStore previews, TimeProvider time)
{
    public void Register(RegisterJob command)
    {
        // Registered once: the fleet dispatcher also shows waiting rows it finds unknown (submitted on another node), and
        // its read can race this node's own registration of a job it just queued. The second registration changes
        // nothing, except that the job keeps the trace whichever of the two carried it.
        if (table.TryGet(command.JobId, out var known))
        {
            if (known.Trace == default)
            {
                known.Trace = command.Registration.Trace;
            }

            command.Registered?.TrySetResult();
            return;
        }

        var job = Queued(command.JobId, command.Registration).Track(time.GetUtcNow());
        job.Trace = command.Registration.Trace;
        table.Put(job);
        using (JobTracing.StartUnder(JobTracing.Snapshot, job.Trace, job.Snapshot.Id))
        {
            publisher.PublishNew(job.Snapshot);
        }

        command.Registered?.TrySetResult();
    }

    /// <summary>The fleet queue sends the job to an instance under a prompt id: followed there from now on.</summary>
    public void Dispatched(JobDispatched command)
    {
        var promptId = command.Registration.PromptId;
        if (promptId is not null && table.TryGetIdOfPrompt(promptId, out var other) && other != command.JobId && table.Remove(other, out _))
        {
            // Discovered in ComfyUI before this command arrived (a dispatch recovered after a restart): one job, this id.
            previews.Remove(other);
            publisher.Retire(other);
        }

        table.TryGet(command.JobId, out var known);
        if (known is { Snapshot.IsTerminal: true })
        {
            return;
        }

        // Removed first: a job sent again under a new prompt id must not stay indexed under the old one.
        table.Remove(command.JobId, out _);
        var job = Queued(command.JobId, command.Registration).Track(time.GetUtcNow());
        if (known is not null)
        {
            job.Snapshot = job.Snapshot with { CreatedAt = known.Snapshot.CreatedAt };
        }

        job.Trace = command.Registration.Trace != default ? command.Registration.Trace : known?.Trace ?? default;
        job.FromFleetQueue = true;
        table.Put(job);
        using var span = JobTracing.StartUnder(JobTracing.Snapshot, job.Trace, job.Snapshot.Id);
        publisher.Publish(job);
    }

    public void Withdrawn(JobWithdrawn withdrawn)
    {
        if (table.TryGet(withdrawn.JobId, out var job))
        {
            var stage = withdrawn.Status == JobStatus.Cancelled ? Stage.Cancelled : Stage.Failed;
            transitions.Finish(job, withdrawn.Status, stage, withdrawn.Reason, time.GetUtcNow());
            publisher.Publish(job);
        }
    }

    private static QueuedJob Queued(long id, JobRegistration r)
    {
        var graph = WorkflowGraph.Parse(r.Graph);
        var frames = r.Kind == JobKind.Video ? r.FramesTotal ?? graph.FrameCount : null;
        return new QueuedJob(id, r.Title, r.Kind, r.Instance, r.PromptId, graph, WorkflowKey.Compute(r.Graph))
        {
            FramesTotal = frames,
            FramesDone = frames is null ? null : 0,
            SubmittedBy = r.SubmittedBy,
        };
    }

    /// <summary>ComfyUI holds the prompt from now on: only then may its absence from the queue mean something.</summary>
    public void Accepted(SubmissionAccepted accepted)
    {
        if (table.TryGet(accepted.JobId, out var job))
        {
            job.AcceptedAt ??= time.GetUtcNow();
        }
    }

    public void Failed(SubmissionFailed failed)
    {
        if (table.TryGet(failed.JobId, out var job))
        {
            transitions.Finish(job, JobStatus.Failed, Stage.Failed, failed.Error, time.GetUtcNow());
            publisher.Publish(job);
        }
    }
}
