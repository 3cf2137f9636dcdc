using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Telemetry;

namespace AnimeProgress.Core.Tracking;

/// <summary>Jobs AnimeProgress submits: registered before the POST, then accepted by ComfyUI or failed.</summary>
internal sealed class SubmittedJobs(JobTable table, JobTransitions transitions, JobPublisher publisher, TimeProvider time)
{
    public void Register(RegisterJob command)
    {
        var now = time.GetUtcNow();
        var r = command.Registration;
        var graph = WorkflowGraph.Parse(r.Graph);
        var frames = r.Kind == JobKind.Video ? r.FramesTotal ?? graph.FrameCount : null;
        var workflowKey = WorkflowKey.Compute(r.Graph);
        var job = new QueuedJob(command.JobId, r.Title, r.Kind, r.Instance, r.PromptId, graph, workflowKey)
        {
            FramesTotal = frames,
            FramesDone = frames is null ? null : 0,
            SubmittedBy = r.SubmittedBy,
        }.Track(now);
        job.Trace = r.Trace;
        table.Put(job);
        using var span = JobTracing.StartUnder(JobTracing.Snapshot, job.Trace, job.Snapshot.Id);
        publisher.PublishNew(job.Snapshot);
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
