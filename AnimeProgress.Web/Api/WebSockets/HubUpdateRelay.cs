using System.Threading.Channels;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Api.Wire;

namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>
/// What one client receives from the hub: initial_jobs once, then the changed jobs of each batch.
/// A batch is handed over only after the previous one is on the wire; meanwhile the hub keeps just
/// the newest snapshot per job, so a slow client gets fewer, fresher updates and never a backlog.
/// </summary>
internal sealed class HubUpdateRelay(
    ProgressHub hub, JobSubscriptions subscriptions, SessionOutbox outbox, SessionCloser closer, ApiOptions options, TimeProvider time)
{
    private readonly TaskCompletionSource _initialQueued = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Subscribes, then queues initial_jobs from the hub's state, so no change can fall in between;
    /// batches wait for initial_jobs to be queued first (a job may then arrive twice, never missing).
    /// </summary>
    public HubSubscription Start()
    {
        var subscription = hub.Subscribe(OnBatchAsync, options.UpdateInterval, subscriber: "ws");
        outbox.TryQueue(new Outgoing.Frame(ServerFrames.InitialJobs(InitialJobs(), time.GetUtcNow())));
        _initialQueued.TrySetResult();
        return subscription;
    }

    private List<JobSnapshot> InitialJobs()
    {
        var jobs = hub.Jobs;
        var active = jobs.Where(j => j.Status.IsActive()).OrderBy(j => j.Id);
        var finished = jobs.Where(j => j.IsTerminal)
            .OrderByDescending(j => j.FinishedAt ?? j.UpdatedAt)
            .Take(options.InitialRecentFinished);
        return [.. active, .. finished];
    }

    /// <param name="cancellationToken">Cancelled when the session ends (the subscription is disposed): releases a batch still waiting.</param>
    private async ValueTask OnBatchAsync(HubBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Jobs.Count == 0 || closer.IsRequested || !batch.Jobs.Any(j => subscriptions.Wants(j.Id)))
        {
            return;
        }

        try
        {
            await _initialQueued.Task.WaitAsync(cancellationToken);
            await outbox.SendBatchAsync(batch.Jobs, cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException or ObjectDisposedException)
        {
        }
    }
}
