using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// Derives what a snapshot shows from the job's working state: percent, frames, rate, trend and ETA.
/// Only running jobs with step detail feed their estimator; others get an ETA from history at most.
/// </summary>
internal sealed class SnapshotDeriver(IEtaModel eta)
{
    /// <param name="hubVersion">The version the hub holds for this id: the new snapshot's version goes past it.</param>
    public JobSnapshot Derive(TrackedJob job, DateTimeOffset now, long hubVersion)
    {
        var s = job.Snapshot;
        var percent = s.Status == JobStatus.Completed ? 100 : job.Progress.HasGraph ? job.Progress.Percent : s.Percent;
        percent = Math.Max(percent, s.Status.IsActive() ? s.Percent : 0);
        // A queued job keeps the basis its queue estimate was made with (TrackerClock); an ended one says nothing.
        var estimate = new Estimate(s.RatePercentPerMinute, s.RateTrend, s.EtaSeconds, s.EtaLowSeconds, s.EtaHighSeconds, s.IsTerminal ? null : s.EtaBasis);
        if (s.Status == JobStatus.Running && !s.HasStepDetail)
        {
            // No step progress exists for these jobs: never invent a percent; an ETA only from history.
            var expected = eta.ExpectedRunSeconds(job.Facts);
            var elapsed = (now - (s.StartedAt ?? now)).TotalSeconds;
            var remaining = expected is { } e ? Math.Max(0, e - elapsed) : (double?)null;
            estimate = new Estimate(null, RateTrend.Unknown, remaining, remaining, remaining, eta.HistoryBasis(job.Facts));
        }
        else if (s.Status == JobStatus.Running && job.Estimator is { } estimator)
        {
            job.EnterStage(s.Stage, now);
            estimator.Observe(now, percent, s.Stage);
            estimate = estimator.EstimateAt(now);
        }
        else if (s.Status.IsTerminal())
        {
            estimate = estimate with { EtaSeconds = s.EtaSeconds, EtaLowSeconds = s.EtaSeconds, EtaHighSeconds = s.EtaSeconds };
        }

        var (framesDone, estimated) = Frames(job, s.Status, percent);
        return s with
        {
            Percent = Math.Round(percent, 1),
            RatePercentPerMinute = Round(estimate.RatePercentPerMinute, 1),
            RateTrend = estimate.Trend,
            EtaSeconds = Round(estimate.EtaSeconds, 0),
            EtaLowSeconds = Round(estimate.EtaLowSeconds, 0),
            EtaHighSeconds = Round(estimate.EtaHighSeconds, 0),
            EtaBasis = estimate.Basis,
            FramesDone = framesDone,
            FramesEstimated = estimated,
            UpdatedAt = now,
            // Past whatever the hub holds: a row published by the listener, or a restored copy, may be ahead.
            Version = Math.Max(s.Version, hubVersion) + 1,
        };
    }

    private static double? Round(double? value, int digits) => value is { } v && double.IsFinite(v) ? Math.Round(v, digits) : null;

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
