using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.Estimation;

/// <summary>The estimator on hand-made runs whose true remaining time is known.</summary>
public sealed class StageAwareJobEstimatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly StageAwareEtaModel _model = new();

    // Sampling from 0 to 100 % in 100 one-second steps.
    private static readonly Leg Steady = new(Stage.Rendering, 100, 100, Steps: 100);

    [Fact]
    public void A_job_at_constant_speed_is_given_the_time_its_pace_needs()
    {
        var job = new JobDriver(_model, _time, JobDriver.Image).RunPart(Steady, 30);

        var estimate = job.Estimate();

        Assert.Equal(70, estimate.EtaSeconds!.Value, 70 * 0.05);
        Assert.Equal(60, estimate.RatePercentPerMinute!.Value, 3);
        Assert.Equal(RateTrend.Steady, estimate.Trend);
    }

    [Fact]
    public void A_cached_start_that_jumps_at_once_does_not_read_as_an_absurd_rate()
    {
        var started = _time.GetUtcNow();
        var estimator = _model.Start(JobDriver.Image, started);
        _time.Advance(TimeSpan.FromMilliseconds(20));
        estimator.Observe(_time.GetUtcNow(), 30, Stage.Rendering);
        Assert.Null(estimator.EstimateAt(_time.GetUtcNow()).RatePercentPerMinute);

        for (var second = 1; second <= 10; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            estimator.Observe(_time.GetUtcNow(), 30 + second, Stage.Rendering);
        }

        // Measured now, and within reason: the jump's lump fades instead of reading as millions of %/min.
        var rate = estimator.EstimateAt(_time.GetUtcNow()).RatePercentPerMinute;
        Assert.NotNull(rate);
        Assert.InRange(rate.Value, 30, 300);
    }

    [Fact]
    public void Without_history_nothing_is_estimated_until_there_is_enough_progress()
    {
        var job = new JobDriver(_model, _time, JobDriver.Image);
        Assert.Null(job.Estimate().EtaSeconds);

        job.RunPart(Steady, 1);
        Assert.Equal(1, job.Percent);
        Assert.Equal((null, null, null), (job.Estimate().EtaSeconds, job.Estimate().EtaLowSeconds, job.Estimate().EtaHighSeconds));

        job.RunPart(Steady, 9);
        Assert.NotNull(job.Estimate().EtaSeconds);
    }

    [Fact]
    public void A_slow_stage_that_history_knows_is_expected_although_the_percent_says_little_is_left()
    {
        JobDriver.Record(_model, _time, JobDriver.Image, JobDriver.Profile(), runs: 3);
        var profile = JobDriver.Profile();
        // Sampling is done: 85 % after 42 s, yet decoding and saving take 23 s more for 15 %.
        var job = new JobDriver(_model, _time, JobDriver.Image).Run(profile[..4]).RunPart(profile[4], 1);

        var estimate = job.Estimate();

        var linear = job.ElapsedSeconds * (100 - job.Percent) / job.Percent;
        Assert.Equal(22, estimate.EtaSeconds!.Value, 22 * 0.1);
        Assert.True(linear < 10, $"the linear estimate says {linear:F1} s");
    }

    [Fact]
    public void A_pause_lifts_the_estimate_without_sending_it_to_infinity_or_zero()
    {
        var job = new JobDriver(_model, _time, JobDriver.Image).RunPart(Steady, 40);
        var before = job.Estimate().EtaSeconds!.Value;

        job.Wait(30);
        var paused = job.Estimate();

        Assert.InRange(paused.EtaSeconds!.Value, before + 1, before + 30);
        Assert.Equal(RateTrend.SlowingDown, paused.Trend);

        // Progress resumes at the old pace: the estimate comes back to the work left.
        job.RunPart(Steady with { Seconds = 60, ToPercent = 100, Steps = 60 } , 10);
        Assert.Equal(50, job.Estimate().EtaSeconds!.Value, 50 * 0.15);
    }

    [Fact]
    public void A_pause_in_a_job_with_history_keeps_the_estimate_finite_and_above_zero()
    {
        JobDriver.Record(_model, _time, JobDriver.Image, JobDriver.Profile(), runs: 3);
        var profile = JobDriver.Profile();
        var job = new JobDriver(_model, _time, JobDriver.Image).Run(profile[..3]).RunPart(profile[3], 10);
        var before = job.Estimate().EtaSeconds!.Value;

        var during = new List<double>();
        for (var i = 0; i < 12; i++)
        {
            job.Wait(10);
            during.Add(job.Estimate().EtaSeconds!.Value);
        }

        Assert.All(during, eta => Assert.InRange(eta, before, before + 120));
        Assert.True(during[^1] > during[0], "a longer pause should lift the estimate further");
    }

    [Fact]
    public void A_speed_up_shows_as_speeding_up_and_shortens_the_estimate()
    {
        var job = new JobDriver(_model, _time, JobDriver.Image).RunPart(Steady, 30);
        job.Run(new Leg(Stage.Rendering, 10, 50, Steps: 20));

        var estimate = job.Estimate();

        Assert.Equal(RateTrend.SpeedingUp, estimate.Trend);
        Assert.True(estimate.EtaSeconds < 50, $"at the old speed 50 s were left; the estimate is {estimate.EtaSeconds:F1} s");
        Assert.True(estimate.EtaSeconds > 25, $"at the new speed 25 s are left; the estimate is {estimate.EtaSeconds:F1} s");
    }

    [Fact]
    public void A_slow_down_shows_as_slowing_down()
    {
        var job = new JobDriver(_model, _time, JobDriver.Image).RunPart(Steady, 30);
        job.Run(new Leg(Stage.Rendering, 20, 40, Steps: 10));

        Assert.Equal(RateTrend.SlowingDown, job.Estimate().Trend);
    }

    [Fact]
    public void Rich_history_gives_a_good_estimate_at_five_percent()
    {
        for (var i = 0; i < 20; i++)
        {
            // Runs vary by a few percent, as real ones do.
            JobDriver.Record(_model, _time, JobDriver.Image, JobDriver.Profile(gpuSlowness: 0.95 + 0.005 * i, loading: 1.05 - 0.005 * i));
        }

        var profile = JobDriver.Profile();
        var job = new JobDriver(_model, _time, JobDriver.Image).Run(profile[0]);
        Assert.Equal(5, job.Percent);

        var estimate = job.Estimate();
        var truth = JobDriver.Seconds(profile) - job.ElapsedSeconds;
        Assert.Equal(truth, estimate.EtaSeconds!.Value, truth * 0.1);
        Assert.InRange(truth, estimate.EtaLowSeconds!.Value * 0.95, estimate.EtaHighSeconds!.Value * 1.05);
    }

    [Fact]
    public void The_estimate_moves_from_history_to_the_jobs_own_speed_as_it_advances()
    {
        JobDriver.Record(_model, _time, JobDriver.Image, JobDriver.Profile(), runs: 5);
        // This job's GPU work runs 1.5 times slower than every run history knows.
        var slow = JobDriver.Profile(gpuSlowness: 1.5);
        var job = new JobDriver(_model, _time, JobDriver.Image).Run(slow[..2]);
        var atStart = job.Estimate().EtaSeconds!.Value;
        // History's estimate: the runs showed the stage-aware candidate exact here, so it decides
        // (the others keep a small say until more runs have scored them).
        Assert.Equal(JobDriver.Seconds(JobDriver.Profile()[2..]), atStart, JobDriver.Seconds(JobDriver.Profile()[2..]) * 0.02);

        job.Run(slow[2]).RunPart(slow[3], 30);
        var truth = JobDriver.Seconds(slow) - job.ElapsedSeconds;
        Assert.Equal(truth, job.Estimate().EtaSeconds!.Value, truth * 0.08);
    }

    [Fact]
    public void The_range_is_wide_when_history_disagrees_and_narrows_as_the_job_advances()
    {
        foreach (var slowness in new[] { 0.6, 0.8, 1.0, 1.2, 1.4, 1.6 })
        {
            JobDriver.Record(_model, _time, JobDriver.Image, JobDriver.Profile(gpuSlowness: slowness));
        }

        var profile = JobDriver.Profile();
        var job = new JobDriver(_model, _time, JobDriver.Image).Run(profile[..2]);
        var early = job.Estimate();
        job.Run(profile[2..4]).RunPart(profile[4], 5);
        var late = job.Estimate();

        Assert.True(early.EtaLowSeconds <= early.EtaSeconds && early.EtaSeconds <= early.EtaHighSeconds);
        Assert.True(late.EtaLowSeconds <= late.EtaSeconds && late.EtaSeconds <= late.EtaHighSeconds);
        var earlyWidth = early.EtaHighSeconds!.Value - early.EtaLowSeconds!.Value;
        var lateWidth = late.EtaHighSeconds!.Value - late.EtaLowSeconds!.Value;
        Assert.True(earlyWidth > 15, $"early range {earlyWidth:F1} s");
        Assert.True(lateWidth < earlyWidth / 3, $"late range {lateWidth:F1} s against {earlyWidth:F1} s");
    }

    [Fact]
    public void A_finished_job_estimates_nothing_left()
    {
        var job = new JobDriver(_model, _time, JobDriver.Image).Run(Steady);

        Assert.Equal(0, job.Estimate().EtaSeconds);
    }
}
