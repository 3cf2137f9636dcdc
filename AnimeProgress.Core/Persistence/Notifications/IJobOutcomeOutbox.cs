using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Persistence.Notifications;

/// <summary>
/// What the job writer calls for the jobs whose row it turns into an outcome (completed, failed, cancelled), inside
/// its transaction: the notifications feature adds its event and outbox rows to the same context, so the outcome and
/// its notifications are stored together or not at all.
/// </summary>
public interface IJobOutcomeOutbox
{
    Task EnlistAsync(AnimeProgressDbContext db, IReadOnlyList<JobSnapshot> finished, CancellationToken cancellationToken);

    /// <summary>The transaction committed: the sender may look now.</summary>
    void Committed();

    /// <summary>
    /// Outcomes of jobs the leader observes but does not write (rows other programs write into <c>production_jobs</c>,
    /// shown and followed, never written back): their events are stored in a transaction of their own.
    /// </summary>
    Task ObservedAsync(IReadOnlyList<JobSnapshot> finished, CancellationToken cancellationToken);
}
