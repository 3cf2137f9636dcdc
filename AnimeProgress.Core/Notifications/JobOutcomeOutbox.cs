using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Notifications;

namespace AnimeProgress.Core.Notifications;

/// <summary>The job writer's outbox: each outcome it writes becomes an event (the job's id) with its deliveries, in the writer's transaction.</summary>
public sealed class JobOutcomeOutbox(OutboxEnlister enlister, OutboxSignal signal, NotificationMetrics metrics) : IJobOutcomeOutbox
{
    public async Task EnlistAsync(AnimeProgressDbContext db, IReadOnlyList<JobSnapshot> finished, CancellationToken cancellationToken)
    {
        var fresh = await enlister.EnlistAsync(db, [.. finished.Select(JobOutcomeEvents.From)], cancellationToken);
        metrics.Raised(fresh);
    }

    public void Committed() => signal.Notify();
}
