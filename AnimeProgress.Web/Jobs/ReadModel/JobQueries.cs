using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.History;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Jobs.ReadModel;

/// <summary>
/// The one read model for jobs, behind the REST API, the job detail and history pages and the <c>jobs check</c>
/// command. The hub's live state wins wherever it has a job (it is fresher than the store, which lags by a flush);
/// the database holds everything older. Without a hub (the command line) it reads the database alone.
/// Nothing here runs per live update: readers call it on a request, on opening a page or on a filter change.
/// </summary>
public sealed class JobQueries(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    ProgressHub? hub = null,
    ProgressHistoryRecorder? recorder = null)
{
    /// <summary>Most samples read for one job (the oldest are kept; far more than a day at the five-second sampling).</summary>
    public const int MaxSamplesPerJob = 10_000;

    /// <summary>Most rows one stored search returns.</summary>
    public const int MaxPageSize = 500;

    /// <summary>The live job, or else the stored one; null when neither exists.</summary>
    public async Task<JobSnapshot?> FindAsync(long id, CancellationToken cancellationToken)
    {
        if (hub?.Find(id) is { } live)
        {
            return live;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.ProductionJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        return row is null ? null : JobRowMapper.ToSnapshot(row);
    }

    /// <summary>True when the hub holds the job (the live part of the list).</summary>
    public bool IsLive(long id) => hub?.Find(id) is not null;

    /// <summary>The job a fleet-queue job retries and the jobs that retried it; none for a job that never was in the fleet queue.</summary>
    public async Task<RetryLinks> RetryLinksAsync(long id, CancellationToken cancellationToken) =>
        (await RetryLinksAsync([id], cancellationToken)).GetValueOrDefault(id, RetryLinks.None);

    /// <summary>The retry links of several jobs at once (a page of history), in two queries; jobs without links are left out.</summary>
    public async Task<IReadOnlyDictionary<long, RetryLinks>> RetryLinksAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return new Dictionary<long, RetryLinks>();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var retries = await db.FleetQueue.AsNoTracking().Where(r => ids.Contains(r.JobId) && r.RetryOf != null)
            .Select(r => new { r.JobId, r.RetryOf }).ToListAsync(cancellationToken);
        var retriedAs = await db.FleetQueue.AsNoTracking().Where(r => r.RetryOf != null && ids.Contains(r.RetryOf.Value))
            .Select(r => new { r.JobId, RetryOf = r.RetryOf!.Value }).ToListAsync(cancellationToken);
        var retryOf = retries.ToDictionary(r => r.JobId, r => r.RetryOf);
        var later = retriedAs.GroupBy(r => r.RetryOf).ToDictionary(g => g.Key, g => (IReadOnlyList<long>)[.. g.Select(r => r.JobId).Order()]);
        return ids.Distinct()
            .Where(id => retryOf.ContainsKey(id) || later.ContainsKey(id))
            .ToDictionary(id => id, id => new RetryLinks(retryOf.GetValueOrDefault(id), later.GetValueOrDefault(id, [])));
    }

    /// <summary>The job's stored row and its samples, or null when the database has no such job (it may still be live).</summary>
    public async Task<StoredJobRecord?> GetStoredAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.ProductionJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        return row is null ? null : new StoredJobRecord(JobRowMapper.ToSnapshot(row), await ReadSamplesAsync(db, id, cancellationToken));
    }

    /// <summary>A job's samples, oldest first, including those the recorder holds but has not written yet.</summary>
    public async Task<IReadOnlyList<ProgressSample>> GetSamplesAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ReadSamplesAsync(db, id, cancellationToken);
    }

    private async Task<IReadOnlyList<ProgressSample>> ReadSamplesAsync(AnimeProgressDbContext db, long id, CancellationToken cancellationToken)
    {
        // Pending first, then the table: a sample flushed in between shows up twice and is dropped as a
        // duplicate, never lost. The SQLite encoding keeps 0.1 ms, so duplicates are matched at that precision.
        var pending = recorder?.PendingFor(id) ?? [];
        var stored = await db.ProgressHistory.AsNoTracking()
            .Where(h => h.JobId == id)
            .OrderBy(h => h.RecordedAt)
            .Take(MaxSamplesPerJob)
            .ToListAsync(cancellationToken);
        return [.. stored.Concat(pending)
            .DistinctBy(h => (h.RecordedAt.UtcTicks / TimeSpan.TicksPerMillisecond, h.Stage, h.Progress))
            .OrderBy(h => h.RecordedAt)
            .Select(h => new ProgressSample(h.RecordedAt, h.Progress, h.Stage, h.Rate))];
    }

    /// <summary>
    /// Newest first: the jobs the hub holds (every active job and the recently finished), then the stored ones.
    /// Ids grow with time, so in practice this is simply newest to oldest. Live and stored are disjoint by id.
    /// </summary>
    public async Task<JobListPage> ListAsync(JobFilter filter, int offset, int limit, CancellationToken cancellationToken)
    {
        var liveJobs = hub?.Jobs.ToList() ?? [];
        var live = liveJobs.Where(filter.Matches).OrderByDescending(j => j.Id).ToList();
        var page = live.Skip(offset).Take(limit).ToList();
        var remaining = limit - page.Count;
        var skip = Math.Max(0, offset - live.Count);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var filtered = StoredJobs.Filtered(db, filter);
        if (liveJobs.Count == 0)
        {
            var total = await filtered.CountAsync(cancellationToken);
            if (remaining > 0 && total > 0)
            {
                page.AddRange((await TakeNewestAsync(filtered, filter, skip, remaining, cancellationToken)).Select(JobRowMapper.ToSnapshot));
            }

            return new JobListPage(page, live.Count + total);
        }

        // Every live job's row is left out, matching the filter or not. The hub can hold tens of thousands of jobs,
        // and a NOT IN over all their ids made each list request cost seconds, so the ids never go into the SQL:
        // rows outside [minLive, maxLive] cannot be live, and the ids inside that range are read (ids only) and
        // checked here. The stored part, newest first, is then: above the range, the range's non-live ids, below it.
        var liveIds = liveJobs.Select(j => j.Id).ToHashSet();
        var minLive = liveIds.Min();
        var maxLive = liveIds.Max();
        var rangeIds = await filtered.Where(j => j.Id >= minLive && j.Id <= maxLive).Select(j => j.Id).ToListAsync(cancellationToken);
        var between = rangeIds.Where(id => !liveIds.Contains(id)).OrderDescending().ToList();
        var storedTotal = await filtered.CountAsync(cancellationToken) - (rangeIds.Count - between.Count);
        if (remaining <= 0 || storedTotal <= 0)
        {
            return new JobListPage(page, live.Count + storedTotal);
        }

        var above = filtered.Where(j => j.Id > maxLive);
        var rows = await TakeNewestAsync(above, filter, skip, remaining, cancellationToken);
        page.AddRange(rows.Select(JobRowMapper.ToSnapshot));
        remaining -= rows.Count;
        // Where the next segment starts: inside it when this one gave rows, else past this one's count (only then counted).
        skip = rows.Count > 0 || skip == 0 ? 0 : Math.Max(0, skip - await above.CountAsync(cancellationToken));

        if (remaining > 0)
        {
            // At most `limit` ids: a small IN list.
            var ids = between.Skip(skip).Take(remaining).ToList();
            if (ids.Count > 0)
            {
                rows = await TakeNewestAsync(filtered.Where(j => ids.Contains(j.Id)), filter, 0, ids.Count, cancellationToken);
                page.AddRange(rows.Select(JobRowMapper.ToSnapshot));
                remaining -= ids.Count;
            }

            skip = Math.Max(0, skip - between.Count);
        }

        if (remaining > 0)
        {
            rows = await TakeNewestAsync(filtered.Where(j => j.Id < minLive), filter, skip, remaining, cancellationToken);
            page.AddRange(rows.Select(JobRowMapper.ToSnapshot));
        }

        return new JobListPage(page, live.Count + storedTotal);
    }

    /// <summary>
    /// The same list as <see cref="ListAsync"/> read by keyset: the page after <paramref name="after"/> (null: the
    /// first page) and the cursor of the page after it (null when this page reached the end). Each page costs the
    /// same however deep it is; the total is counted as <see cref="ListAsync"/> counts it.
    /// </summary>
    public async Task<(JobListPage Page, JobListCursor? Next)> ListAfterAsync(JobFilter filter, JobListCursor? after, int limit, CancellationToken cancellationToken)
    {
        var liveJobs = hub?.Jobs.ToList() ?? [];
        var live = liveJobs.Where(filter.Matches).OrderByDescending(j => j.Id).ToList();
        var page = after is { InLive: false } ? [] : live.Where(j => after is not { } a || j.Id < a.AfterId).Take(limit).ToList();
        var liveCount = page.Count;

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var filtered = StoredJobs.Filtered(db, filter);
        var below = after is { InLive: false } cursor ? filtered.Where(j => j.Id < cursor.AfterId) : filtered;
        int storedTotal;
        if (liveJobs.Count == 0)
        {
            storedTotal = await filtered.CountAsync(cancellationToken);
            if (page.Count < limit)
            {
                page.AddRange((await TakeNewestAsync(below, filter, 0, limit - page.Count, cancellationToken)).Select(JobRowMapper.ToSnapshot));
            }
        }
        else
        {
            // As in ListAsync: live ids never go into the SQL; only the stored ids inside the live range are read.
            var liveIds = liveJobs.Select(j => j.Id).ToHashSet();
            var minLive = liveIds.Min();
            var maxLive = liveIds.Max();
            var rangeIds = await filtered.Where(j => j.Id >= minLive && j.Id <= maxLive).Select(j => j.Id).ToListAsync(cancellationToken);
            storedTotal = await filtered.CountAsync(cancellationToken) - rangeIds.Count(liveIds.Contains);
            var remaining = limit - page.Count;
            if (remaining > 0)
            {
                var rows = await TakeNewestAsync(below.Where(j => j.Id > maxLive), filter, 0, remaining, cancellationToken);
                remaining -= rows.Count;
                if (remaining > 0)
                {
                    var ids = rangeIds.Where(id => !liveIds.Contains(id) && (after is not { InLive: false } c || id < c.AfterId))
                        .OrderDescending().Take(remaining).ToList();
                    if (ids.Count > 0)
                    {
                        rows.AddRange(await TakeNewestAsync(filtered.Where(j => ids.Contains(j.Id)), filter, 0, ids.Count, cancellationToken));
                        remaining -= ids.Count;
                    }
                }

                if (remaining > 0)
                {
                    rows.AddRange(await TakeNewestAsync(below.Where(j => j.Id < minLive), filter, 0, remaining, cancellationToken));
                }

                page.AddRange(rows.Select(JobRowMapper.ToSnapshot));
            }
        }

        JobListCursor? next = page.Count < limit ? null : new JobListCursor(page.Count <= liveCount, page[^1].Id);
        return (new JobListPage(page, live.Count + storedTotal), next);
    }

    private static Task<List<ProductionJobRow>> TakeNewestAsync(IQueryable<ProductionJobRow> query, JobFilter filter, int skip, int take, CancellationToken cancellationToken) =>
        StoredJobs.Newest(query, filter).Skip(skip).Take(take).ToListAsync(cancellationToken);

    /// <summary>
    /// One page of stored jobs matching the filter, in the order asked for (the hub is not consulted). With
    /// <paramref name="after"/> (by finish time only) the page starts after that row and <paramref name="skip"/> is
    /// ignored; with <paramref name="knownTotal"/> the matches are not counted again (the caller counted this filter).
    /// </summary>
    public async Task<JobListPage> SearchStoredAsync(
        JobFilter filter, JobSort sort, bool descending, int skip, int take, CancellationToken cancellationToken,
        FinishedCursor? after = null, int? knownTotal = null)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = StoredJobs.Filtered(db, filter);
        var total = knownTotal ?? await query.CountAsync(cancellationToken);
        var keyset = after is { } cursor && sort == JobSort.Finished;
        var rows = await StoredJobs.Sorted(keyset ? StoredJobs.AfterFinished(query, after!.Value, descending) : query, sort, descending)
            .Skip(keyset ? 0 : Math.Max(0, skip))
            .Take(Math.Clamp(take, 1, MaxPageSize))
            .ToListAsync(cancellationToken);
        return new JobListPage([.. rows.Select(JobRowMapper.ToSnapshot)], total);
    }

    /// <summary>
    /// Stored rows exactly as written, for a command that shows what it cannot interpret (an unknown status) as
    /// stored. <paramref name="take"/> null reads every match.
    /// </summary>
    public async Task<IReadOnlyList<ProductionJobRow>> ReadRowsAsync(JobFilter filter, JobSort sort, bool descending, int? take, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = StoredJobs.Sorted(StoredJobs.Filtered(db, filter), sort, descending);
        return await (take is { } n ? query.Take(n) : query).ToListAsync(cancellationToken);
    }

    /// <summary>How many stored jobs match.</summary>
    public async Task<int> CountStoredAsync(JobFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await StoredJobs.Filtered(db, filter).CountAsync(cancellationToken);
    }

    /// <summary>Most instances the history page's filter offers.</summary>
    public const int MaxInstances = 200;

    /// <summary>The ComfyUI instances that appear in the job table, for an instance filter.</summary>
    public async Task<IReadOnlyList<string>> GetInstancesAsync(CancellationToken cancellationToken)
    {
        // A DISTINCT reads every row (a million: ~0.5 s); instead each next name is one probe of the instance index
        // (a "skip scan"), so a fleet of 20 costs 21 index lookups however many jobs there are.
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var names = new List<string>();
        string? last = null;
        while (names.Count < MaxInstances)
        {
            var after = last;
            var next = await db.ProductionJobs.AsNoTracking()
                .Where(j => j.ComfyUiInstance != null && j.ComfyUiInstance != "" && (after == null || string.Compare(j.ComfyUiInstance, after) > 0))
                .OrderBy(j => j.ComfyUiInstance)
                .Select(j => j.ComfyUiInstance)
                .FirstOrDefaultAsync(cancellationToken);
            if (next is null)
            {
                break;
            }

            names.Add(next);
            last = next;
        }

        return names;
    }
}

/// <summary>One page of jobs and how many matched in all.</summary>
public sealed record JobListPage(IReadOnlyList<JobSnapshot> Jobs, int Total);
