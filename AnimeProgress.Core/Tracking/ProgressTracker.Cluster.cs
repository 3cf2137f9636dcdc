using AnimeProgress.Core.Jobs;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.Tracking;

// Hand-over between nodes and rows that other programs tie to ComfyUI prompts.
public sealed partial class ProgressTracker
{
    private void OnRelease()
    {
        _jobs.Clear();
        _byPrompt.Clear();
        _runningPrompt.Clear();
        _instances.Clear();
    }

    private void OnAdopt(AdoptJob adopt)
    {
        var row = adopt.Row;
        if (row.PromptId is not { } promptId)
        {
            return;
        }

        if (!_byPrompt.TryGetValue(promptId, out var knownId))
        {
            if (row.Status.IsActive())
            {
                // Followed from now on; its source and instance are learnt when the prompt shows in a queue.
                _jobs[row.Id] = new TrackedJob(row, WorkflowGraph.Empty) { AcceptedAt = row.UpdatedAt, LastSignAt = Now };
                _byPrompt[promptId] = row.Id;
                _idSource.Seen(row.Id);
            }

            return;
        }

        if (knownId == row.Id || !_jobs.Remove(knownId, out var job))
        {
            return;
        }

        // The prompt was discovered in ComfyUI before the row arrived: one job, under the row's id and title.
        var hubVersion = _hub.Find(row.Id)?.Version ?? 0;
        job.Snapshot = job.Snapshot with
        {
            Id = row.Id,
            Title = row.Title,
            CreatedAt = row.CreatedAt < job.Snapshot.CreatedAt ? row.CreatedAt : job.Snapshot.CreatedAt,
            Version = Math.Max(job.Snapshot.Version, hubVersion),
        };
        _jobs[row.Id] = job;
        _byPrompt[promptId] = row.Id;
        _previews.Remove(knownId);
        _hub.Retire(knownId);
        LogMerged(promptId, knownId, row.Id);
        PublishJob(job);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Prompt {PromptId} was followed as job {OldId}; a database row names it, so it continues as job {JobId}")]
    private partial void LogMerged(string promptId, long oldId, long jobId);
}
