using AnimeProgress.Web.Jobs.ReadModel;

namespace AnimeProgress.Tests.Web.Jobs.ReadModel;

/// <summary>The one stage-timeline algorithm, as the REST API (all periods) and the pages (worked periods) use it.</summary>
public sealed class StagePeriodsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private static ProgressSample At(double seconds, string stage, double percent = 0) => new(T0.AddSeconds(seconds), percent, stage, null);

    [Fact]
    public void Stage_periods_start_at_each_change_and_the_outcome_closes_the_last()
    {
        var finished = StagePeriods.Worked([At(0, "Queued"), At(5, "Processing"), At(9, "Processing"), At(30, "Completed")], "Completed", T0.AddSeconds(30));
        var running = StagePeriods.Worked([At(0, "Processing"), At(12, "Rendering")], endedIn: null, finishedAt: null);

        Assert.Equal([("Queued", 5.0), ("Processing", 25.0)], finished.Select(s => (s.Stage, s.Duration(T0).TotalSeconds)));
        Assert.Null(running[^1].End);
        Assert.Equal(8, running[^1].Duration(T0.AddSeconds(20)).TotalSeconds);
    }

    [Fact]
    public void The_outcome_is_a_zero_length_closing_period_with_the_percent_at_each_start()
    {
        var periods = StagePeriods.From(
            [At(0, "Initializing", 1), At(2, "Processing", 5), At(3, "Rendering", 10), At(30, "Rendering", 50), At(62, "Completed", 100)],
            "Completed",
            T0.AddSeconds(62));

        Assert.Equal(["Initializing", "Processing", "Rendering", "Completed"], periods.Select(p => p.Stage));
        Assert.Equal([2.0, 1.0, 59.0, 0.0], periods.Select(p => (p.End!.Value - p.Start).TotalSeconds));
        Assert.Equal([1.0, 5.0, 10.0, 100.0], periods.Select(p => p.PercentAtStart));
        Assert.Equal([false, false, false, true], periods.Select(p => p.IsOutcome));
    }

    [Fact]
    public void A_running_job_has_an_open_last_period()
    {
        var periods = StagePeriods.From([At(0, "Queued"), At(4, "Rendering")], endedIn: null, finishedAt: null);

        Assert.Equal(T0.AddSeconds(4), periods[0].End);
        Assert.Null(periods[^1].End);
        Assert.False(periods[^1].IsOutcome);
    }

    [Fact]
    public void A_job_that_ended_without_an_outcome_sample_closes_its_last_stage_at_the_finish_time()
    {
        var periods = StagePeriods.From([At(0, "Queued"), At(4, "Rendering")], "Failed", T0.AddSeconds(10));
        var unknownFinish = StagePeriods.From([At(0, "Rendering")], "Failed", finishedAt: null);
        var skewedClock = StagePeriods.From([At(5, "Rendering")], "Failed", T0);

        Assert.Equal(T0.AddSeconds(10), periods[^1].End);
        Assert.False(periods[^1].IsOutcome);
        Assert.Null(unknownFinish[^1].End);
        Assert.Null(skewedClock[^1].End);
    }

    [Fact]
    public void No_samples_no_periods()
    {
        Assert.Empty(StagePeriods.From([], "Completed", T0));
        Assert.Empty(StagePeriods.Worked([], "Completed", T0));
    }

    [Fact]
    public void The_pages_show_no_period_for_an_outcome_that_ends_the_samples()
    {
        var worked = StagePeriods.Worked([At(0, "Processing"), At(10, "Cancelled")], "Cancelled", T0.AddSeconds(10));

        Assert.Equal(["Processing"], worked.Select(p => p.Stage));
        Assert.Equal(T0.AddSeconds(10), worked[0].End);
    }
}
