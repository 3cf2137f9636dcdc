using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Tracking;

// Derived values (percent, frames, rate, ETA, stage times) and the clock tick.
public sealed partial class ProgressTracker
{
    private void OnTick()
    {
        var now = Now;
        var expired = new List<long>();
        foreach (var job in _jobs.Values)
        {
            if (job.Snapshot.Status == JobStatus.Running)
            {
                var stalled = job.Snapshot.HasStepDetail && now - job.LastSignAt > _options.StallAfter;
                if (stalled != job.Snapshot.Stalled)
                {
                    job.Snapshot = job.Snapshot with { Stalled = stalled };
                }

                PublishJob(job);
            }
            else if (job.Snapshot.FinishedAt is { } finished && now - finished > _options.FinishedRetention)
            {
                expired.Add(job.Snapshot.Id);
            }
        }

        // Queued jobs' finish estimates move slowly; refresh them every few ticks, not every second.
        if (++_ticks % 5 == 0)
        {
            EstimateQueued();
        }

        var finishedJobs = _jobs.Values.Where(j => j.Snapshot.IsTerminal).ToList();
        if (finishedJobs.Count > _options.MaxFinishedRetained)
        {
            expired.AddRange(finishedJobs.OrderBy(j => j.Snapshot.FinishedAt).Take(finishedJobs.Count - _options.MaxFinishedRetained).Select(j => j.Snapshot.Id));
        }

        foreach (var id in expired.Distinct())
        {
            if (_jobs.Remove(id, out var job) && job.Snapshot.PromptId is { } promptId)
            {
                _byPrompt.Remove(promptId);
            }

            _hub.Forget(id);
        }
    }

    /// <summary>
    /// A queued job finishes after the running job's remaining time, the expected runs of the jobs
    /// ahead of it on its instance, and its own expected run. Waiting never counts as run time.
    /// Unknown (null) as soon as any part of that chain has no history.
    /// </summary>
    private void EstimateQueued()
    {
        foreach (var instance in _jobs.Values.Where(j => j.Snapshot.Status == JobStatus.Queued).GroupBy(j => j.Snapshot.Instance))
        {
            var running = _jobs.Values.FirstOrDefault(j => j.Snapshot.Instance == instance.Key && j.Snapshot.Status == JobStatus.Running);
            double? ahead = running is null ? 0 : running.Snapshot.EtaSeconds;
            foreach (var job in instance.OrderBy(j => j.Snapshot.QueuePosition ?? int.MaxValue).ThenBy(j => j.Snapshot.Id))
            {
                var own = _eta.ExpectedRunSeconds(job.Facts);
                double? finish = ahead is { } a && own is { } o ? a + o : null;
                var old = job.Snapshot.EtaSeconds;
                if (finish is null != old is null || (finish is { } f && old is { } prev && Math.Abs(f - prev) > Math.Max(5, 0.1 * prev)))
                {
                    job.Snapshot = job.Snapshot with { EtaSeconds = finish is null ? null : Math.Round(finish.Value), EtaLowSeconds = null, EtaHighSeconds = null };
                    PublishJob(job);
                }

                ahead = finish;
            }
        }
    }

    /// <summary>Derives percent, frames, rate and ETA from the working state and publishes the new snapshot.</summary>
    private void PublishJob(TrackedJob job)
    {
        var now = Now;
        var s = job.Snapshot;
        var percent = s.Status == JobStatus.Completed ? 100 : job.Progress.HasGraph ? job.Progress.Percent : s.Percent;
        percent = Math.Max(percent, s.Status.IsActive() ? s.Percent : 0);
        var estimate = new Estimate(s.RatePercentPerMinute, s.RateTrend, s.EtaSeconds, s.EtaLowSeconds, s.EtaHighSeconds);
        if (s.Status == JobStatus.Running && !s.HasStepDetail)
        {
            // No step progress exists for these jobs: never invent a percent; an ETA only from history.
            var expected = _eta.ExpectedRunSeconds(job.Facts);
            var elapsed = (now - (s.StartedAt ?? now)).TotalSeconds;
            var remaining = expected is { } e ? Math.Max(0, e - elapsed) : (double?)null;
            estimate = new Estimate(null, RateTrend.Unknown, remaining, remaining, remaining);
        }
        else if (s.Status == JobStatus.Running && job.Estimator is { } estimator)
        {
            TrackStage(job, s.Stage, now);
            estimator.Observe(now, percent, s.Stage);
            estimate = estimator.EstimateAt(now);
        }
        else if (s.Status.IsTerminal())
        {
            estimate = estimate with { EtaSeconds = s.EtaSeconds, EtaLowSeconds = s.EtaSeconds, EtaHighSeconds = s.EtaSeconds };
        }

        var (framesDone, estimated) = Frames(job, s.Status, percent);
        job.Snapshot = s with
        {
            Percent = Math.Round(percent, 1),
            RatePercentPerMinute = Round(estimate.RatePercentPerMinute, 1),
            RateTrend = estimate.Trend,
            EtaSeconds = Round(estimate.EtaSeconds, 0),
            EtaLowSeconds = Round(estimate.EtaLowSeconds, 0),
            EtaHighSeconds = Round(estimate.EtaHighSeconds, 0),
            FramesDone = framesDone,
            FramesEstimated = estimated,
            UpdatedAt = now,
            // Past whatever the hub holds: a row published by the listener, or a restored copy, may be ahead.
            Version = Math.Max(s.Version, _hub.Find(s.Id)?.Version ?? 0) + 1,
        };
        _hub.Publish(job.Snapshot);
    }

    private static double? Round(double? value, int digits) => value is { } v && double.IsFinite(v) ? Math.Round(v, digits) : null;

    private static void TrackStage(TrackedJob job, Stage stage, DateTimeOffset now)
    {
        if (job.CurrentStage is { } current && current.Stage == stage)
        {
            return;
        }

        CloseStage(job, now);
        job.CurrentStage = (stage, now);
    }

    private void CloseStage(TrackedJob job) => CloseStage(job, Now);

    private static void CloseStage(TrackedJob job, DateTimeOffset now)
    {
        if (job.CurrentStage is { } current)
        {
            job.StageDurations[current.Stage] = job.StageDurations.GetValueOrDefault(current.Stage) + (now - current.Since);
            job.CurrentStage = null;
        }
    }

    private static (int? Done, bool Estimated) Frames(TrackedJob job, JobStatus status, double percent)
    {
        if (job.Snapshot.FramesTotal is not { } total)
        {
            return (null, false);
        }

        if (status == JobStatus.Completed)
        {
            return (total, false);
        }

        if (job.ReportedFrames is { } reported)
        {
            return (reported, false);
        }

        return ((int)Math.Floor(total * percent / 100), true);
    }
}
