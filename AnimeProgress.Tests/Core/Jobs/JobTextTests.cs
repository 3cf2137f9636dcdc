using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Tests.Core.Jobs;

public sealed class JobTextTests
{
    [Theory]
    [InlineData(145.0, "2m 25s")]
    [InlineData(59.4, "59s")]
    [InlineData(0.0, "0s")]
    [InlineData(3600.0, "1h 0m")]
    [InlineData(7385.0, "2h 3m")]
    [InlineData(60.0, "1m 0s")]
    public void Formats_seconds_the_way_the_seed_clients_show_them(double seconds, string expected)
    {
        Assert.Equal(expected, JobText.Duration(seconds));
        Assert.Equal(expected, JobText.Duration(TimeSpan.FromSeconds(seconds)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Unknown_or_impossible_durations_show_a_dash(double? seconds)
    {
        Assert.Equal("—", JobText.Duration(seconds));
    }

    [Fact]
    public void A_negative_or_missing_span_shows_a_dash()
    {
        Assert.Equal("—", JobText.Duration(TimeSpan.FromSeconds(-1)));
        Assert.Equal("—", JobText.Duration((TimeSpan?)null));
    }
}

public sealed class EtaRangeFormattingTests
{
    [Theory]
    [InlineData(300.0, 240.0, 360.0, "4–6 min")]
    [InlineData(60.0, 40.0, 85.0, "40–85 s")]
    [InlineData(300.0, 290.0, 310.0, "5m 0s")]
    [InlineData(7200.0, 6000.0, 9000.0, "1.6–2.5 h")]
    public void A_wide_range_shows_as_a_span_and_a_tight_one_as_the_point(double eta, double low, double high, string expected)
    {
        Assert.Equal(expected, JobText.EtaRange(eta, low, high));
    }

    [Fact]
    public void Without_an_estimate_the_range_is_a_dash() =>
        Assert.Equal("—", JobText.EtaRange(null, null, null));
}

public sealed class JobWordsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private static JobSnapshot Running() => new()
    {
        Id = 1,
        Title = "Cut 1",
        Kind = JobKind.Video,
        Status = JobStatus.Running,
        Percent = 65.46,
        FramesDone = 78,
        FramesTotal = 120,
        RatePercentPerMinute = 12.54,
        RateTrend = RateTrend.SlowingDown,
        EtaSeconds = 145,
        StartedAt = Start,
        UpdatedAt = Start.AddSeconds(312),
        Instance = "gpu-1",
    };

    [Fact]
    public void A_running_job_reads_as_percent_rate_trend_frames_eta_and_elapsed()
    {
        var job = Running();

        Assert.Equal("65%", JobText.Percent(job));
        Assert.Equal("65.5", JobText.PercentValue(job.Percent));
        Assert.Equal("12.5 %/min", JobText.Rate(job));
        Assert.Equal("↓", JobText.TrendArrow(job));
        Assert.Equal("Slowing down", JobText.TrendWords(job.RateTrend));
        Assert.Equal("78 / 120", JobText.Frames(job));
        Assert.Equal("~78 / 120", JobText.Frames(job with { FramesEstimated = true }));
        Assert.Equal("2m 25s", JobText.Eta(job));
        Assert.Equal("5m 12s", JobText.Elapsed(job));
        Assert.Equal("Finishes about 10:07", JobText.FinishesAbout(job, TimeZoneInfo.Utc));
        Assert.Equal("Video", JobText.Kind(job.Kind));
        Assert.Equal("gpu-1", JobText.Placement(job));
    }

    [Fact]
    public void Queued_finished_and_foreign_jobs_have_their_own_words()
    {
        var job = Running();

        Assert.Equal("~2m 25s", JobText.Eta(job with { Status = JobStatus.Queued }));
        Assert.Equal("—", JobText.Eta(job with { Status = JobStatus.Queued, EtaSeconds = null }));
        Assert.Equal("done", JobText.Eta(job with { Status = JobStatus.Completed }));
        Assert.Equal("—", JobText.Eta(job with { Status = JobStatus.Failed }));
        Assert.Null(JobText.FinishesAbout(job with { Status = JobStatus.Completed }, TimeZoneInfo.Utc));
        Assert.Equal("—", JobText.Rate(job with { Status = JobStatus.Completed }));
        Assert.Equal("", JobText.TrendArrow(job with { Status = JobStatus.Completed }));
        Assert.Equal("—", JobText.Percent(job with { Source = JobSource.External }));
        Assert.Equal(" · other client", JobText.SourceNote(JobSource.External));
        Assert.Equal("", JobText.SourceNote(JobSource.AnimeProgress));
        Assert.Equal("— · #2 in queue", JobText.Placement(job with { Instance = null, QueuePosition = 2 }));
        Assert.Null(JobText.Frames(job with { FramesTotal = null }));
    }

    [Fact]
    public void Outcomes_and_the_tab_title_read_as_the_operator_sees_them()
    {
        var job = Running();

        Assert.Equal("Completed: Cut 1", JobText.Outcome(job with { Status = JobStatus.Completed }));
        Assert.Equal("Failed: Cut 1 — out of memory", JobText.Outcome(job with { Status = JobStatus.Failed, Error = "out of memory" }));
        Assert.Equal("Cancelled: Cut 1", JobText.Outcome(job with { Status = JobStatus.Cancelled }));
        Assert.Null(JobText.Outcome(job));
        Assert.Equal("(3) AnimeProgress", JobText.TabTitle(3));
        Assert.Equal("AnimeProgress", JobText.TabTitle(0));
        Assert.Equal("—", JobText.Clock(null, TimeZoneInfo.Utc, "HH:mm"));
        Assert.Equal("2026-11-29 10:00", JobText.Clock(Start, TimeZoneInfo.Utc, "yyyy-MM-dd HH:mm"));
    }
}
