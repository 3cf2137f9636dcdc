using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Tests.Support;

namespace AnimeProgress.Tests.Core.Tracking;

/// <summary>What a snapshot shows is derived from the job's working state alone (plus the hub's version).</summary>
public sealed class SnapshotDeriverTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private readonly SnapshotDeriver _deriver = new(new StageAwareEtaModel());

    private static TrackedJob Job(JobStatus status, int? frames = null, JobSource source = JobSource.AnimeProgress) =>
        new(
            new JobSnapshot
            {
                Id = 1, Title = "t", Kind = frames is null ? JobKind.Image : JobKind.Video, Status = status, Stage = Stage.Rendering,
                Source = source, FramesTotal = frames, CreatedAt = T0, StartedAt = T0, UpdatedAt = T0, Version = 3,
            },
            WorkflowGraph.Parse(frames is null ? Graphs.Txt2Img(20) : Graphs.Txt2Img(20, "EmptyHunyuanLatentVideo", frames)));

    [Fact]
    public void The_version_moves_past_both_the_jobs_and_the_hubs()
    {
        Assert.Equal(4, _deriver.Derive(Job(JobStatus.Queued), T0, hubVersion: 2).Version);
        Assert.Equal(10, _deriver.Derive(Job(JobStatus.Queued), T0, hubVersion: 9).Version);
    }

    [Fact]
    public void A_completed_job_shows_all_its_frames_and_no_time_left()
    {
        var job = Job(JobStatus.Completed, frames: 48);
        job.Snapshot = job.Snapshot with { EtaSeconds = 0 };

        var done = _deriver.Derive(job, T0.AddMinutes(1), 0);

        Assert.Equal((100.0, 48, false, 0.0), (done.Percent, done.FramesDone, done.FramesEstimated, done.EtaSeconds));
        Assert.Equal(T0.AddMinutes(1), done.UpdatedAt);
    }

    [Fact]
    public void A_running_job_without_step_detail_gets_no_rate_and_an_eta_only_from_history()
    {
        var job = Job(JobStatus.Running, source: JobSource.External);

        var derived = _deriver.Derive(job, T0.AddSeconds(30), 0);

        Assert.False(derived.HasStepDetail);
        Assert.Null(derived.RatePercentPerMinute);
        Assert.Equal(RateTrend.Unknown, derived.RateTrend);
        Assert.Null(derived.EtaSeconds);
        Assert.Equal(EtaBasis.Nothing, derived.EtaBasis);
    }

    [Fact]
    public void A_running_job_shows_what_its_estimate_rests_on_and_an_ended_one_nothing()
    {
        var job = Job(JobStatus.Running);
        job.Estimator = new StageAwareEtaModel().Start(job.Facts, T0);

        var running = _deriver.Derive(job, T0.AddSeconds(1), 0);
        Assert.Equal(EtaBasis.Nothing, running.EtaBasis);

        job.Snapshot = running with { Status = JobStatus.Completed, Stage = Stage.Completed };
        Assert.Null(_deriver.Derive(job, T0.AddSeconds(2), 0).EtaBasis);
    }

    [Fact]
    public void Frames_of_a_running_video_are_estimated_from_percent_until_a_node_reports_them()
    {
        var job = Job(JobStatus.Running, frames: 40);
        job.Progress.Report("3", 10, 20);
        var estimated = _deriver.Derive(job, T0, 0);
        Assert.True(estimated.FramesEstimated);

        job.ReportedFrames = 7;
        var reported = _deriver.Derive(job, T0, 0);
        Assert.Equal((7, false), (reported.FramesDone, reported.FramesEstimated));
    }
}
