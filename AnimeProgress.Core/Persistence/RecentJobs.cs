using AnimeProgress.Core.Boundary;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence.Columns;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Core.Persistence;

/// <summary>
/// What a node starts from (or takes over ingestion with): active jobs and those finished in the last day, their texts
/// capped as boundary input and their versions past anything published before the restart (<see cref="StoredVersions"/>).
/// </summary>
internal static class RecentJobs
{
    public static async Task<(List<JobSnapshot> Rows, long MaxId)> LoadAsync(
        AnimeProgressDbContext db, InputLimits limits, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var since = now - TimeSpan.FromHours(24);
        var rows = await db.ProductionJobs.AsNoTracking()
            .Where(j => j.CompletedAt == null || j.CompletedAt >= since)
            .OrderByDescending(j => j.Id)
            .Take(1000)
            .ToListAsync(cancellationToken);
        var maxId = await db.ProductionJobs.MaxAsync(j => (long?)j.Id, cancellationToken) ?? 0;
        return ([.. rows.Select(row => JobRowMapper.ToSnapshot(IncomingRowText.Cap(row, limits)) with
        {
            Version = StoredVersions.AfterRestart(row.Version, now),
        })], maxId);
    }
}
