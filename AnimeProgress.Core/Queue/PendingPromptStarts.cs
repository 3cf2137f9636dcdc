using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Queue;

/// <summary>
/// Sees, in the hub's batches, a pending prompt of ours leave the pending state (it started, or ended without
/// starting): its instance is then free for the next one. Fed by one hub subscription, never two batches at once.
/// </summary>
internal sealed class PendingPromptStarts
{
    private readonly HashSet<long> _pending = [];

    /// <returns>True when some job seen pending on an instance is pending no more.</returns>
    public bool Observe(HubBatch batch)
    {
        var left = false;
        foreach (var job in batch.Jobs)
        {
            if (job is { Status: JobStatus.Queued, Source: JobSource.AnimeProgress, Instance: not null, PromptId: not null })
            {
                _pending.Add(job.Id);
            }
            else if (_pending.Remove(job.Id))
            {
                left = true;
            }
        }

        foreach (var id in batch.Removed)
        {
            left |= _pending.Remove(id);
        }

        return left;
    }
}
