using AnimeProgress.Core.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Core.Persistence;

/// <summary>What a node starts from (or takes over ingestion with): active jobs and those finished in the last day.</summary>
internal static class RecentJobs
{
    public static async Task<(List<JobSnapshot> Rows, long MaxId)> LoadAsync(AnimeProgressDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - TimeSpan.FromHours(24);
        var rows = await db.ProductionJobs.AsNoTracking()
            .Where(j => j.CompletedAt == null || j.CompletedAt >= since)
            .OrderByDescending(j => j.Id)
            .Take(1000)
            .ToListAsync(cancellationToken);
        var maxId = await db.ProductionJobs.MaxAsync(j => (long?)j.Id, cancellationToken) ?? 0;
        return ([.. rows.Select(JobRowMapper.ToSnapshot)], maxId);
    }
}
