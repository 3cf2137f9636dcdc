using AnimeProgress.Core.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Core.Persistence;

/// <summary>
/// Writes a batch of <see cref="JobWrite"/>s to <c>production_jobs</c> in one transaction. Every text is fitted to its
/// column on save (<see cref="Columns.ColumnFitting"/>); a batch that still fails for a row's values is retried row by
/// row by the buffer, and the failing row quarantined (<see cref="JobWriteSink.Quarantined"/>).
/// </summary>
internal static class JobRowWriter
{
    /// <param name="outbox">Given the rows this batch turns into an outcome, in the same transaction (issue 18).</param>
    public static async Task WriteAsync(
        IDbContextFactory<AnimeProgressDbContext> contexts,
        IReadOnlyList<JobWrite> batch,
        CancellationToken cancellationToken,
        Notifications.IJobOutcomeOutbox? outbox = null)
    {
        var upserts = batch.Select(w => w.Snapshot).OfType<JobSnapshot>().ToList();
        var deletes = batch.Where(w => w.Snapshot is null).Select(w => w.Id).ToList();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ids = upserts.Select(j => j.Id).ToList();
        var existing = await db.ProductionJobs.Where(j => ids.Contains(j.Id)).ToDictionaryAsync(j => j.Id, cancellationToken);
        var finished = new List<JobSnapshot>();
        foreach (var snapshot in upserts)
        {
            if (existing.TryGetValue(snapshot.Id, out var row))
            {
                // An outcome is final: a held in-progress state (an old leader's, written late after an outage)
                // never turns a finished row back into a running one.
                if (!snapshot.IsTerminal && JobStatusNames.FromWire(row.Status) is { } stored && stored.IsTerminal())
                {
                    continue;
                }

                if (snapshot.IsTerminal && JobStatusNames.FromWire(row.Status) != snapshot.Status)
                {
                    finished.Add(snapshot);
                }

                // A version never goes down in the row either (an old leader's late write after another node's).
                var storedVersion = row.Version;
                JobRowMapper.CopyTo(snapshot, row);
                row.Version = Math.Max(storedVersion, snapshot.Version);
            }
            else
            {
                // Fill the key before Add: the change tracker identifies new rows by it.
                row = new ProductionJobRow();
                JobRowMapper.CopyTo(snapshot, row);
                db.ProductionJobs.Add(row);
                if (snapshot.IsTerminal)
                {
                    finished.Add(snapshot);
                }
            }
        }

        if (outbox is not null && finished.Count > 0)
        {
            await outbox.EnlistAsync(db, finished, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        if (deletes.Count > 0)
        {
            await db.ProductionJobs.Where(j => deletes.Contains(j.Id)).ExecuteDeleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (outbox is not null && finished.Count > 0)
        {
            outbox.Committed();
        }
    }
}
