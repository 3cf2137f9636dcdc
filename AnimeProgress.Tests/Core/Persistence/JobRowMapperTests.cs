using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;

namespace AnimeProgress.Tests.Core.Persistence;

/// <summary>The live detail other web nodes render from the row: written, read back, and read forgivingly.</summary>
public sealed class JobRowMapperTests
{
    private static JobSnapshot Running(JobSource source) => new()
    {
        Id = 3,
        Title = "Cut 3",
        Status = JobStatus.Running,
        Stage = Stage.Rendering,
        Percent = 40,
        Source = source,
        EtaSeconds = 90,
        EtaLowSeconds = 60,
        EtaHighSeconds = 150,
        RateTrend = RateTrend.SlowingDown,
        Stalled = true,
        QueuePosition = 2,
        CurrentNodeType = "KSampler",
    };

    [Theory]
    [InlineData(JobSource.AnimeProgress, "animeprogress")]
    [InlineData(JobSource.Broadcast, "broadcast")]
    [InlineData(JobSource.External, "external")]
    [InlineData(JobSource.Database, "database")]
    public void The_live_detail_round_trips(JobSource source, string word)
    {
        var row = new ProductionJobRow();
        JobRowMapper.CopyTo(Running(source), row);

        Assert.Equal((word, 60.0, 150.0, "slowing_down", true, 2, "KSampler"),
            (row.Source, row.EtaLowSeconds, row.EtaHighSeconds, row.RateTrend, row.Stalled, row.QueuePosition, row.CurrentNode));
        var back = JobRowMapper.ToSnapshot(row);
        Assert.Equal((source, 60.0, 150.0, RateTrend.SlowingDown, true, 2, "KSampler"),
            (back.Source, back.EtaLowSeconds, back.EtaHighSeconds, back.RateTrend, back.Stalled, back.QueuePosition, back.CurrentNodeType));
    }

    [Fact]
    public void An_unknown_trend_is_stored_as_null_and_the_version_is_kept_for_the_next_start()
    {
        var row = new ProductionJobRow();
        JobRowMapper.CopyTo(Running(JobSource.AnimeProgress) with { RateTrend = RateTrend.Unknown, Version = 41 }, row);

        Assert.Null(row.RateTrend);
        Assert.Equal(41, row.Version);
        Assert.Equal(41, JobRowMapper.ToSnapshot(row).Version);
        // Rows of other programs (and of versions before the column) read as version 1, never 0.
        Assert.Equal(1, JobRowMapper.ToSnapshot(new ProductionJobRow { Status = "queued" }).Version);
    }

    [Fact]
    public void Bad_or_missing_values_from_another_program_read_safely()
    {
        var snapshot = JobRowMapper.ToSnapshot(new ProductionJobRow
        {
            Id = 8,
            Title = "Other",
            Status = "running",
            Source = null,
            EtaLowSeconds = -1,
            EtaHighSeconds = double.NaN,
            RateTrend = "sideways",
            QueuePosition = 0,
            CurrentNode = " ",
        });

        Assert.Equal(JobSource.Database, snapshot.Source);
        Assert.Null(snapshot.EtaLowSeconds);
        Assert.Null(snapshot.EtaHighSeconds);
        Assert.Equal(RateTrend.Unknown, snapshot.RateTrend);
        Assert.Null(snapshot.QueuePosition);
        Assert.Null(snapshot.CurrentNodeType);
        Assert.Equal(JobSource.Database, JobRowMapper.ToSnapshot(new ProductionJobRow { Id = 9, Source = "mystery" }).Source);
    }
}
