using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.History;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Api.Rest;

/// <summary>
/// Jobs for the API: the hub's live state wherever it has the job (it is fresher than the store,
/// which lags by a flush), the database for everything older. The two are disjoint by id when merged.
/// </summary>
public sealed class JobCatalog(ProgressHub hub, IDbContextFactory<AnimeProgressDbContext> contexts, ProgressHistoryRecorder recorder)
{
    private const int MaxSamples = 10_000;

    public async Task<JobSnapshot?> FindAsync(long id, CancellationToken cancellationToken)
    {
        if (hub.Find(id) is { } live)
        {
            return live;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.ProductionJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        return row is null ? null : JobRowMapper.ToSnapshot(row);
    }

    /// <summary>
    /// Newest first: the jobs the hub holds (every active job and the recently finished), then the
    /// stored history. Ids grow with time, so in practice this is simply newest to oldest.
    /// </summary>
    public async Task<(int Total, IReadOnlyList<JobSnapshot> Jobs)> QueryAsync(JobFilter filter, Paging paging, CancellationToken cancellationToken)
    {
        var liveJobs = hub.Jobs.ToList();
        var live = liveJobs.Where(filter.Matches).OrderByDescending(j => j.Id).ToList();
        var liveIds = liveJobs.Select(j => j.Id).ToList();

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = db.ProductionJobs.AsNoTracking().Where(j => !liveIds.Contains(j.Id));
        if (filter.StoredStatuses is { } statuses)
        {
            stored = stored.Where(j => statuses.Contains(j.Status));
        }

        if (filter.StoredKind is { } kind)
        {
            stored = stored.Where(j => j.Kind == kind);
        }

        if (filter.Instance is { } instance)
        {
            stored = stored.Where(j => j.ComfyUiInstance == instance);
        }

        if (filter.Text is { } text)
        {
            var lowered = text.ToLowerInvariant();
            // ToLower + Contains is what EF translates on both providers; the StringComparison overload is not translatable.
#pragma warning disable CA1862
            stored = stored.Where(j => j.Title.ToLower().Contains(lowered));
#pragma warning restore CA1862
        }

        var storedTotal = await stored.CountAsync(cancellationToken);
        var page = live.Skip(paging.Offset).Take(paging.Limit).ToList();
        var remaining = paging.Limit - page.Count;
        if (remaining > 0 && storedTotal > 0)
        {
            var skip = Math.Max(0, paging.Offset - live.Count);
            var rows = await stored.OrderByDescending(j => j.Id).Skip(skip).Take(remaining).ToListAsync(cancellationToken);
            page.AddRange(rows.Select(JobRowMapper.ToSnapshot));
        }

        return (live.Count + storedTotal, page);
    }

    /// <summary>A job's samples, oldest first, including those recorded but not yet written.</summary>
    public async Task<IReadOnlyList<ProgressHistoryRow>> HistoryAsync(long id, CancellationToken cancellationToken)
    {
        // Pending first, then the table: a sample flushed in between shows up twice and is dropped as a
        // duplicate, never lost. The SQLite encoding keeps 0.1 ms, so duplicates are matched at that precision.
        var pending = recorder.PendingFor(id);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.ProgressHistory.AsNoTracking()
            .Where(h => h.JobId == id)
            .OrderBy(h => h.RecordedAt)
            .Take(MaxSamples)
            .ToListAsync(cancellationToken);
        return [.. stored.Concat(pending)
            .DistinctBy(h => (h.RecordedAt.UtcTicks / TimeSpan.TicksPerMillisecond, h.Stage, h.Progress))
            .OrderBy(h => h.RecordedAt)];
    }
}
