using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Notifications;

/// <summary>
/// The job writer's outbox: each outcome it writes becomes an event (the job's id) with its deliveries, in the writer's
/// transaction. Outcomes of rows other programs write are observed instead, and stored on their own.
/// </summary>
public sealed class JobOutcomeOutbox(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    OutboxEnlister enlister,
    OutboxSignal signal,
    NotificationMetrics metrics,
    IOptions<NotificationOptions> options,
    TimeProvider time) : IJobOutcomeOutbox
{
    public async Task EnlistAsync(AnimeProgressDbContext db, IReadOnlyList<JobSnapshot> finished, CancellationToken cancellationToken)
    {
        var fresh = await enlister.EnlistAsync(db, [.. finished.Select(JobOutcomeEvents.From)], cancellationToken);
        metrics.Raised(fresh);
    }

    public void Committed() => signal.Notify();

    public async Task ObservedAsync(IReadOnlyList<JobSnapshot> finished, CancellationToken cancellationToken)
    {
        // The event id is the job's and its outcome, so seeing the row again (a re-read, a restart) adds nothing. An
        // outcome older than the dead-letter period would only be given up at once: a first start on an old table
        // does not announce its history.
        var since = time.GetUtcNow() - options.Value.DeadLetterAfter;
        var recent = finished.Where(j => j.IsTerminal && (j.FinishedAt ?? j.UpdatedAt) >= since).ToList();
        if (recent.Count == 0)
        {
            return;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var fresh = await enlister.EnlistAsync(db, [.. recent.Select(JobOutcomeEvents.From)], cancellationToken);
        if (fresh.Count == 0)
        {
            return;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        metrics.Raised(fresh);
        signal.Notify();
    }
}
