using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// What the passing of time does on each tick: running jobs re-derive their ETA and may stall, queued jobs'
/// finish estimates are refreshed every few ticks, and finished jobs expire by age and by count.
/// </summary>
internal sealed class TrackerClock(JobTable table, JobPublisher publisher, IEtaModel eta, TrackerOptions options, TimeProvider time)
{
    private int _ticks;

    public void Tick()
    {
        var now = time.GetUtcNow();
        var expired = new List<long>();
        foreach (var job in table.Jobs)
        {
            if (job.Snapshot.Status == JobStatus.Running)
            {
                var stalled = job.Snapshot.HasStepDetail && now - job.LastSignAt > options.StallAfter;
                if (stalled != job.Snapshot.Stalled)
                {
                    job.Snapshot = job.Snapshot with { Stalled = stalled };
                }

                publisher.Publish(job);
            }
            else if (job.Snapshot.FinishedAt is { } finished && now - finished > options.FinishedRetention)
            {
                expired.Add(job.Snapshot.Id);
            }
        }

        // Queued jobs' finish estimates move slowly; refresh them every few ticks, not every second.
        if (++_ticks % 5 == 0)
        {
            EstimateQueued();
        }

        var finishedJobs = table.Jobs.Where(j => j.Snapshot.IsTerminal).ToList();
        if (finishedJobs.Count > options.MaxFinishedRetained)
        {
            expired.AddRange(finishedJobs.OrderBy(j => j.Snapshot.FinishedAt).Take(finishedJobs.Count - options.MaxFinishedRetained).Select(j => j.Snapshot.Id));
        }

        foreach (var id in expired.Distinct())
        {
            table.Remove(id, out _);
            publisher.Forget(id);
        }
    }

    /// <summary>
    /// A queued job finishes after the running job's remaining time, the expected runs of the jobs
    /// ahead of it on its instance, and its own expected run. Waiting never counts as run time.
    /// Unknown (null) as soon as any part of that chain has no history.
    /// </summary>
    private void EstimateQueued()
    {
        foreach (var instance in table.Jobs.Where(j => j.Snapshot.Status == JobStatus.Queued).GroupBy(j => j.Snapshot.Instance))
        {
            var running = table.Jobs.FirstOrDefault(j => j.Snapshot.Instance == instance.Key && j.Snapshot.Status == JobStatus.Running);
            double? ahead = running is null ? 0 : running.Snapshot.EtaSeconds;
            foreach (var job in instance.OrderBy(j => j.Snapshot.QueuePosition ?? int.MaxValue).ThenBy(j => j.Snapshot.Id))
            {
                var own = eta.ExpectedRunSeconds(job.Facts);
                double? finish = ahead is { } a && own is { } o ? a + o : null;
                var old = job.Snapshot.EtaSeconds;
                if (finish is null != old is null || (finish is { } f && old is { } prev && Math.Abs(f - prev) > Math.Max(5, 0.1 * prev)))
                {
                    job.Snapshot = job.Snapshot with
                    {
                        EtaSeconds = finish is null ? null : Math.Round(finish.Value),
                        EtaLowSeconds = null,
                        EtaHighSeconds = null,
                        EtaBasis = finish is null ? null : eta.HistoryBasis(job.Facts),
                    };
                    publisher.Publish(job);
                }

                ahead = finish;
            }
        }
    }
}
