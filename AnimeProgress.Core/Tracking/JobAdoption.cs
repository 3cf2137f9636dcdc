using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Previews;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// Jobs that come to the tracker from the store rather than from ComfyUI: restored at start or when this
/// node takes over, adopted from rows other programs tie to a prompt, and all let go when another node leads.
/// </summary>
internal sealed partial class JobAdoption(
    JobTable table, InstanceRegistry instances, JobPublisher publisher, PreviewStore previews, IJobIdSource ids, TimeProvider time, ILogger logger)
{
    public void Restore(RestoreJobs restore)
    {
        foreach (var snapshot in restore.Jobs)
        {
            ids.Seen(snapshot.Id);
            table.Put(new TrackedJob(snapshot, WorkflowGraph.Empty) { AcceptedAt = snapshot.PromptId is null ? null : snapshot.UpdatedAt });
            publisher.PublishNew(snapshot);
        }
    }

    /// <summary>Another node leads now: forget everything followed (the hub keeps what it shows until rows replace it).</summary>
    public void Release()
    {
        table.Clear();
        instances.Clear();
    }

    public void Adopt(AdoptJob adopt)
    {
        var row = adopt.Row;
        if (row.PromptId is not { } promptId)
        {
            return;
        }

        if (!table.TryGetIdOfPrompt(promptId, out var knownId))
        {
            if (row.Status.IsActive())
            {
                // Followed from now on; its source and instance are learnt when the prompt shows in a queue.
                table.Put(new TrackedJob(row, WorkflowGraph.Empty) { AcceptedAt = row.UpdatedAt, LastSignAt = time.GetUtcNow() });
                ids.Seen(row.Id);
            }

            return;
        }

        if (knownId == row.Id || !table.Remove(knownId, out var job))
        {
            return;
        }

        // The prompt was discovered in ComfyUI before the row arrived: one job, under the row's id and title.
        job.Snapshot = job.Snapshot with
        {
            Id = row.Id,
            Title = row.Title,
            CreatedAt = row.CreatedAt < job.Snapshot.CreatedAt ? row.CreatedAt : job.Snapshot.CreatedAt,
            Version = Math.Max(job.Snapshot.Version, publisher.VersionOf(row.Id)),
        };
        table.Put(job);
        previews.Remove(knownId);
        publisher.Retire(knownId);
        LogMerged(promptId, knownId, row.Id);
        publisher.Publish(job);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Prompt {PromptId} was followed as job {OldId}; a database row names it, so it continues as job {JobId}")]
    private partial void LogMerged(string promptId, long oldId, long jobId);
}
