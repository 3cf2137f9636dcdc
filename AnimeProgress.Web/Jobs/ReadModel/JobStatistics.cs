using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Jobs.ReadModel;

/// <summary>
/// Aggregates over stored jobs for the history page: throughput per hour and average durations per stage and per
/// workflow. They read a bounded projection of the newest matching jobs, never per live update.
/// </summary>
public sealed class JobStatistics(IDbContextFactory<AnimeProgressDbContext> contexts, TimeProvider time)
{
    /// <summary>Most jobs the aggregates read; the newest are kept.</summary>
    public const int MaxJobs = 5_000;

    /// <summary>Most hourly bars in the throughput chart (one week).</summary>
    public const int MaxThroughputHours = 168;

    /// <summary>
    /// Most jobs whose samples the stage averages read, the newest. Samples are the expensive part (a recent video job
    /// has hundreds): 5,000 jobs' samples took 0.5-1 s at a million jobs (docs/benchmarks.md), 200 are an average as
    /// steady for a pipeline's stages and keep the history page's answer well under 200 ms.
    /// </summary>
    public const int MaxStageJobs = 200;

    private const int MaxSamples = 50_000;

    /// <summary>Throughput per hour and average durations per stage and per workflow for the filtered jobs.</summary>
    public async Task<HistoryStats> GetAsync(JobFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = StoredJobs.Filtered(db, filter);
        // No COUNT: the table beside the charts counts the same filter, and counting a million rows again cost
        // ~130 ms of every filter change (docs/benchmarks.md). One row more than is read says whether there were more.
        var jobs = await query
            .OrderByDescending(j => j.CompletedAt)
            .Take(MaxJobs + 1)
            .Select(j => new FinishedJob(j.Id, j.Kind, j.ComfyUiInstance, j.Status, j.StartedAt, j.CompletedAt, j.WorkflowKey, j.Title))
            .ToListAsync(cancellationToken);
        if (jobs.Count == 0)
        {
            return HistoryStats.Empty;
        }

        var truncated = jobs.Count > MaxJobs;
        if (truncated)
        {
            jobs.RemoveAt(jobs.Count - 1);
        }

        var ids = jobs.Take(MaxStageJobs).Select(j => j.Id).ToList();
        var samples = await db.ProgressHistory.AsNoTracking()
            .Where(h => ids.Contains(h.JobId))
            .OrderByDescending(h => h.JobId).ThenBy(h => h.RecordedAt)
            .Take(MaxSamples)
            .Select(h => new { h.JobId, Sample = new ProgressSample(h.RecordedAt, h.Progress, h.Stage, h.Rate) })
            .ToListAsync(cancellationToken);
        if (samples.Count == MaxSamples)
        {
            // The last job's samples may be cut short: its stages would read shorter than they were.
            var cut = samples[^1].JobId;
            samples.RemoveAll(s => s.JobId == cut);
        }

        var samplesByJob = samples.GroupBy(s => s.JobId).ToDictionary(g => g.Key, g => (IReadOnlyList<ProgressSample>)[.. g.Select(s => s.Sample)]);
        return new HistoryStats(jobs.Count, Throughput(jobs), StageAverages(jobs, samplesByJob), WorkflowAverages(jobs), truncated);
    }

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
            foreach (var stage in StagePeriods.Worked(samples, EndedIn(job.Status), job.CompletedAt).Where(s => s.End is not null).GroupBy(s => s.Stage))
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

    // The jobs read here are finished: their status names the stage they ended in.
    private static string EndedIn(string status) => (JobStatusNames.FromWire(status) switch
    {
        JobStatus.Completed => Stage.Completed,
        JobStatus.Cancelled => Stage.Cancelled,
        _ => Stage.Failed,
    }).DisplayName();

    private sealed record FinishedJob(
        long Id, string Kind, string? Instance, string Status, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, string? WorkflowKey, string Title);
}
