using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence.History;

namespace AnimeProgress.Tests.Core.Persistence.History;

public sealed class ProgressHistorySamplerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static JobSnapshot At(double seconds, Stage stage, double percent, JobStatus status = JobStatus.Running, long id = 1) => new()
    {
        Id = id,
        Title = "t",
        Status = status,
        Stage = stage,
        Percent = percent,
        UpdatedAt = T0.AddSeconds(seconds),
        RatePercentPerMinute = 12.5,
    };

    [Fact]
    public void The_first_snapshot_of_a_live_job_and_every_stage_change_are_recorded()
    {
        var sampler = new ProgressHistorySampler(TimeSpan.FromSeconds(5));

        var rows = new[]
        {
            At(0, Stage.Queued, 0), At(1, Stage.Initializing, 0), At(1.5, Stage.Processing, 2), At(1.6, Stage.Rendering, 3),
        }.Select(sampler.Offer).ToList();

        Assert.All(rows, Assert.NotNull);
        Assert.Equal(["Queued", "Initializing", "Processing", "Rendering"], rows.Select(r => r!.Stage));
        Assert.Equal(12.5, rows[^1]!.Rate);
        Assert.Equal(T0.AddSeconds(1.6), rows[^1]!.RecordedAt);
    }

    [Fact]
    public void Within_a_stage_at_most_one_sample_per_interval_is_kept_and_only_when_progress_moved()
    {
        var sampler = new ProgressHistorySampler(TimeSpan.FromSeconds(5));
        sampler.Offer(At(0, Stage.Rendering, 10));

        var kept = Enumerable.Range(1, 20).Select(s => sampler.Offer(At(s, Stage.Rendering, 10 + s))).Where(r => r is not null).ToList();
        var stalled = sampler.Offer(At(40, Stage.Rendering, 30));

        Assert.Equal([15.0, 20.0, 25.0, 30.0], kept.Select(r => r!.Progress));
        Assert.Null(stalled);
    }

    [Fact]
    public void The_outcome_is_recorded_once_and_the_job_is_then_forgotten()
    {
        var sampler = new ProgressHistorySampler(TimeSpan.FromSeconds(5));
        sampler.Offer(At(0, Stage.Finalizing, 95));

        var done = sampler.Offer(At(1, Stage.Completed, 100, JobStatus.Completed));
        var again = sampler.Offer(At(2, Stage.Completed, 100, JobStatus.Completed));

        Assert.Equal("Completed", done?.Stage);
        Assert.Null(again);
        Assert.Equal(0, sampler.Tracked);
    }

    [Fact]
    public void A_job_first_seen_finished_is_not_recorded_again()
    {
        var sampler = new ProgressHistorySampler(TimeSpan.FromSeconds(5));

        Assert.Null(sampler.Offer(At(0, Stage.Failed, 40, JobStatus.Failed)));
        Assert.Equal(0, sampler.Tracked);
    }

    [Fact]
    public void An_older_snapshot_after_a_newer_one_is_ignored()
    {
        var sampler = new ProgressHistorySampler(TimeSpan.FromSeconds(5));
        sampler.Offer(At(10, Stage.Rendering, 50));

        Assert.Null(sampler.Offer(At(5, Stage.Processing, 20)));
    }
}
