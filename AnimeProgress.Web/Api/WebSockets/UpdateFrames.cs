using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>
/// Turns a batch of changed jobs into the progress_update frames one client wants. Lazy on purpose:
/// each job is checked against the subscriptions right before it is sent, so an unsubscribe takes
/// effect exactly at its place in the stream.
/// </summary>
internal sealed class UpdateFrames(JobSubscriptions subscriptions, SnapshotFrameCache cache)
{
    public IEnumerable<byte[]> For(IReadOnlyList<JobSnapshot> jobs)
    {
        foreach (var job in jobs)
        {
            if (subscriptions.Wants(job.Id))
            {
                yield return cache.ProgressUpdate(job);
            }
        }
    }
}
