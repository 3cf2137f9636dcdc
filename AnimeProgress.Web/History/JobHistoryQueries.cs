using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.History;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.History;

/// <summary>
/// Read-only queries behind the job detail and history pages. Filtering, sorting and paging run in
/// the database; the aggregates read a bounded projection of the newest matching jobs. Nothing here
/// runs per live update: the pages call it on open and when the operator changes a filter.
/// </summary>
public sealed class JobHistoryQueries(IDbContextFactory<AnimeProgressDbContext> contexts, TimeProvider time, IServiceProvider services)
{
    /// <summary>Most samples read for one job (about two hours at the default five-second sampling is far below it).</summary>
    public const int MaxSamplesPerJob = 5_000;

    /// <summary>Most jobs the history aggregates read; the newest are kept.</summary>
    public const int MaxJobsForStats = 5_000;

    /// <summary>Most hourly bars in the throughput chart (one week).</summary>
    public const int MaxThroughputHours = 168;

    private const int MaxSamplesForStats = 200_000;

    private static readonly string[] FinishedStatuses =
        [JobStatus.Completed.ToWire(), JobStatus.Failed.ToWire(), JobStatus.Cancelled.ToWire()];

    /// <summary>The job's stored row and its samples, or null when the database has no such job.</summary>
    public async Task<JobHistory?> GetJobAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.ProductionJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (row is null)
        {
            return null;
        }

        return new JobHistory(JobRowMapper.ToSnapshot(row), await ReadSamplesAsync(db, id, cancellationToken));
    }

    /// <summary>A job's samples in time order, including those the recorder holds but has not written yet.</summary>
    public async Task<IReadOnlyList<ProgressSample>> GetSamplesAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ReadSamplesAsync(db, id, cancellationToken);
    }

    private async Task<IReadOnlyList<ProgressSample>> ReadSamplesAsync(AnimeProgressDbContext db, long id, CancellationToken cancellationToken)
    {
        var stored = await db.ProgressHistory.AsNoTracking()
            .Where(h => h.JobId == id)
            .OrderBy(h => h.RecordedAt)
            .Take(MaxSamplesPerJob)
            .Select(h => new ProgressSample(h.RecordedAt, h.Progress, h.Stage, h.Rate))
            .ToListAsync(cancellationToken);

        // The recorder writes once a second; without its pending rows a running job's chart would lag.
        var pending = services.GetService<ProgressHistoryRecorder>()?.PendingFor(id) ?? [];
        if (pending.Count == 0)
        {
            return stored;
        }

        var seen = stored.Select(s => (s.At, s.Stage)).ToHashSet();
        stored.AddRange(pending
            .Where(p => !seen.Contains((p.RecordedAt, p.Stage)))
            .Select(p => new ProgressSample(p.RecordedAt, p.Progress, p.Stage, p.Rate)));
        stored.Sort((a, b) => a.At.CompareTo(b.At));
        return stored;
    }

    /// <summary>One page of finished jobs matching the filter.</summary>
    public async Task<HistoryResults> SearchAsync(HistoryFilter filter, HistorySort sort, bool descending, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(cancellationToken);
        var rows = await Sorted(query, sort, descending)
            .Skip(Math.Max(0, skip))
            .Take(Math.Clamp(take, 1, 500))
            .ToListAsync(cancellationToken);
        return new HistoryResults([.. rows.Select(JobRowMapper.ToSnapshot)], total);
    }

    /// <summary>The ComfyUI instances that appear in the job table, for the instance filter.</summary>
    public async Task<IReadOnlyList<string>> GetInstancesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ProductionJobs.AsNoTracking()
            .Where(j => j.ComfyUiInstance != null && j.ComfyUiInstance != "")
            .Select(j => j.ComfyUiInstance!)
            .Distinct()
            .OrderBy(i => i)
            .Take(200)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Throughput per hour and average durations per stage and per workflow for the filtered jobs.</summary>
    public async Task<HistoryStats> GetStatsAsync(HistoryFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(cancellationToken);
        if (total == 0)
        {
            return HistoryStats.Empty;
        }

        var jobs = await query
            .OrderByDescending(j => j.CompletedAt)
            .Take(MaxJobsForStats)
            .Select(j => new FinishedJob(j.Id, j.Kind, j.ComfyUiInstance, j.Status, j.StartedAt, j.CompletedAt, j.WorkflowKey, j.Title))
            .ToListAsync(cancellationToken);

        var ids = jobs.Select(j => j.Id).ToList();
        var samples = await db.ProgressHistory.AsNoTracking()
            .Where(h => ids.Contains(h.JobId))
            .OrderBy(h => h.JobId).ThenBy(h => h.RecordedAt)
            .Take(MaxSamplesForStats)
            .Select(h => new { h.JobId, Sample = new ProgressSample(h.RecordedAt, h.Progress, h.Stage, h.Rate) })
            .ToListAsync(cancellationToken);

        var samplesByJob = samples.GroupBy(s => s.JobId).ToDictionary(g => g.Key, g => (IReadOnlyList<ProgressSample>)[.. g.Select(s => s.Sample)]);
        return new HistoryStats(total, Throughput(jobs), StageAverages(jobs, samplesByJob), WorkflowAverages(jobs), total > jobs.Count);
    }

    private static IQueryable<ProductionJobRow> Filtered(AnimeProgressDbContext db, HistoryFilter filter)
    {
        var query = db.ProductionJobs.AsNoTracking().Where(j => FinishedStatuses.Contains(j.Status));
        if (filter.Status is { } status)
        {
            var wire = status.ToWire();
            query = query.Where(j => j.Status == wire);
        }

        if (filter.Kind is { } kind)
        {
            var wire = kind == JobKind.Video ? "video" : "image";
            query = query.Where(j => j.Kind == wire);
        }

        if (!string.IsNullOrWhiteSpace(filter.Instance))
        {
            query = query.Where(j => j.ComfyUiInstance == filter.Instance);
        }

        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var text = filter.Text.Trim();
            var pattern = "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            query = query.Where(j => EF.Functions.Like(j.Title, pattern, "\\") || j.ComfyUiJobId == text);
        }

        if (filter.From is { } from)
        {
            query = query.Where(j => j.CompletedAt >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(j => j.CompletedAt < to);
        }

        return query;
    }

    private static IQueryable<ProductionJobRow> Sorted(IQueryable<ProductionJobRow> query, HistorySort sort, bool descending) => (sort, descending) switch
    {
        (HistorySort.Created, false) => query.OrderBy(j => j.CreatedAt).ThenBy(j => j.Id),
        (HistorySort.Created, true) => query.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id),
        (HistorySort.Title, false) => query.OrderBy(j => j.Title).ThenBy(j => j.Id),
        (HistorySort.Title, true) => query.OrderByDescending(j => j.Title).ThenByDescending(j => j.Id),
        (HistorySort.Status, false) => query.OrderBy(j => j.Status).ThenByDescending(j => j.CompletedAt),
        (HistorySort.Status, true) => query.OrderByDescending(j => j.Status).ThenByDescending(j => j.CompletedAt),
        (HistorySort.Instance, false) => query.OrderBy(j => j.ComfyUiInstance).ThenByDescending(j => j.CompletedAt),
        (HistorySort.Instance, true) => query.OrderByDescending(j => j.ComfyUiInstance).ThenByDescending(j => j.CompletedAt),
        (_, false) => query.OrderBy(j => j.CompletedAt).ThenBy(j => j.Id),
        _ => query.OrderByDescending(j => j.CompletedAt).ThenByDescending(j => j.Id),
    };

    /// <summary>Jobs finished per hour of the server's local clock, every hour from the first to the last shown.</summary>
    private List<HourCount> Throughput(List<FinishedJob> jobs)
    {
        var zone = time.LocalTimeZone;
        var byHour = jobs
            .Where(j => j.CompletedAt is not null)
            .GroupBy(j => HourOf(j.CompletedAt!.Value, zone))
            .ToDictionary(g => g.Key, g => (Completed: g.Count(j => j.Status == "completed"), Failed: g.Count(j => j.Status != "completed")));
        if (byHour.Count == 0)
        {
            return [];
        }

        var last = byHour.Keys.Max();
        var first = byHour.Keys.Min();
        if ((last - first).TotalHours >= MaxThroughputHours)
        {
            first = last.AddHours(-(MaxThroughputHours - 1));
        }

        var hours = new List<HourCount>();
        for (var hour = first; hour <= last; hour = HourOf(hour.AddHours(1), zone))
        {
            var counts = byHour.GetValueOrDefault(hour);
            hours.Add(new HourCount(hour, counts.Completed, counts.Failed));
        }

        return hours;
    }

    private static DateTimeOffset HourOf(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, local.Offset);
    }

    private static List<StageAverage> StageAverages(List<FinishedJob> jobs, Dictionary<long, IReadOnlyList<ProgressSample>> samplesByJob)
    {
        var totals = new Dictionary<string, (TimeSpan Sum, int Jobs)>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            if (!samplesByJob.TryGetValue(job.Id, out var samples))
            {
                continue;
            }

            // A stage seen twice in one job (rare) counts once with its total time.
            foreach (var stage in StageSpans.From(samples, job.CompletedAt).Where(s => s.End is not null).GroupBy(s => s.Stage))
            {
                var sum = stage.Aggregate(TimeSpan.Zero, (acc, s) => acc + (s.End!.Value - s.Start));
                var current = totals.GetValueOrDefault(stage.Key);
                totals[stage.Key] = (current.Sum + sum, current.Jobs + 1);
            }
        }

        return [.. totals
            .OrderBy(t => StageExtensions.TryParse(t.Key, out var s) ? (int)s : int.MaxValue)
            .Select(t => new StageAverage(t.Key, t.Value.Sum / t.Value.Jobs, t.Value.Jobs))];
    }

    private static List<WorkflowAverage> WorkflowAverages(List<FinishedJob> jobs) =>
        [.. jobs
            .GroupBy(WorkflowLabel)
            .Select(g =>
            {
                // Run time only for completed jobs that started: queue waiting never counts, failures stop early.
                var runs = g.Where(j => j.Status == "completed" && j.StartedAt is not null && j.CompletedAt >= j.StartedAt)
                    .Select(j => j.CompletedAt!.Value - j.StartedAt!.Value)
                    .ToList();
                TimeSpan? average = runs.Count > 0 ? runs.Aggregate(TimeSpan.Zero, (a, b) => a + b) / runs.Count : null;
                return new WorkflowAverage(g.Key, g.Count(), g.Count(j => j.Status == "failed"), average);
            })
            .OrderByDescending(w => w.Jobs)
            .ThenBy(w => w.Workflow, StringComparer.Ordinal)];

    // Jobs of the same pipeline share a workflow key; rows written by other programs may lack one.
    private static string WorkflowLabel(FinishedJob j) => j.WorkflowKey is { Length: > 0 } key
        ? $"{(j.Kind == "video" ? "Video" : "Image")} workflow {key[..Math.Min(8, key.Length)]}"
        : $"{(j.Kind == "video" ? "Video" : "Image")} on {(string.IsNullOrEmpty(j.Instance) ? "unknown instance" : j.Instance)}";

    private sealed record FinishedJob(
        long Id, string Kind, string? Instance, string Status, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, string? WorkflowKey, string Title);
}
