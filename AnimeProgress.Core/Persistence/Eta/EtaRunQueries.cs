using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Core.Persistence.Eta;

/// <summary>
/// The reads and deletes that keep <c>eta_runs</c> bounded. Newest is by id: rows are written one by one in the order
/// the runs finished. A workflow on one machine is the finest group the engine remembers runs by, and it keeps the
/// newest N of each of its groups; each of those is among the newest N of its workflow on its machine, so keeping the
/// newest N per (kind, workflow, machine) loses nothing the engine would still remember. Workflows that run once
/// each would still grow the table without end: a cap on all rows bounds it.
/// </summary>
internal static class EtaRunQueries
{
    /// <summary>The newest <paramref name="max"/> runs, oldest first.</summary>
    public static async Task<List<EtaRunRow>> NewestAsync(AnimeProgressDbContext db, int max, CancellationToken cancellationToken)
    {
        if (max <= 0)
        {
            return [];
        }

        var newest = await db.EtaRuns.AsNoTracking().OrderByDescending(r => r.Id).Take(max).ToListAsync(cancellationToken);
        newest.Reverse();
        return newest;
    }

    /// <summary>Up to <paramref name="max"/> runs written after the one with id <paramref name="afterId"/>, oldest first.</summary>
    public static Task<List<EtaRunRow>> AfterAsync(AnimeProgressDbContext db, long afterId, int max, CancellationToken cancellationToken) =>
        db.EtaRuns.AsNoTracking().Where(r => r.Id > afterId).OrderBy(r => r.Id).Take(max).ToListAsync(cancellationToken);

    /// <summary>Deletes the runs of one workflow on one machine beyond its newest <paramref name="keep"/>.</summary>
    public static Task<int> PruneWorkflowAsync(AnimeProgressDbContext db, string kind, string? workflowKey, string? instance, int keep, CancellationToken cancellationToken)
    {
        var stale = db.EtaRuns
            .Where(r => r.Kind == kind && r.WorkflowKey == workflowKey && r.Instance == instance)
            .OrderByDescending(r => r.Id)
            .Skip(keep)
            .Select(r => r.Id);
        return db.EtaRuns.Where(r => stale.Contains(r.Id)).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Deletes every run older than the newest <paramref name="keep"/>.</summary>
    public static async Task<int> PruneAllAsync(AnimeProgressDbContext db, int keep, CancellationToken cancellationToken)
    {
        var oldestKept = await db.EtaRuns.OrderByDescending(r => r.Id).Skip(Math.Max(0, keep - 1)).Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken);
        return oldestKept is { } id ? await db.EtaRuns.Where(r => r.Id < id).ExecuteDeleteAsync(cancellationToken) : 0;
    }
}
