using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Components.Jobs;
using Bunit;

namespace AnimeProgress.Tests.Web.Components.Jobs;

public sealed class JobCardTests : ComponentTestContext
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private static JobSnapshot Video(long version = 1, double percent = 65) => new()
    {
        Id = 123,
        Title = "Ep 03 · Cut 012 · Sakura drift",
        Kind = JobKind.Video,
        Status = JobStatus.Running,
        Stage = Stage.Rendering,
        Percent = percent,
        FramesDone = 78,
        FramesTotal = 120,
        FramesEstimated = false,
        RatePercentPerMinute = 12.5,
        EtaSeconds = 145,
        StartedAt = Start,
        UpdatedAt = Start.AddSeconds(312),
        Instance = "gpu-1",
        Version = version,
    };

    [Fact]
    public void Shows_percent_bar_stage_frames_rate_eta_and_elapsed()
    {
        var cut = Render<JobCard>(p => p.Add(c => c.Job, Video()));

        Assert.Equal("65%", cut.Find("[data-testid=percent]").TextContent);
        Assert.Equal("65", cut.Find("[role=progressbar]").GetAttribute("aria-valuenow"));
        Assert.Equal("Rendering", cut.Find(".stage-badge").TextContent);
        Assert.Equal("78 / 120", cut.Find("[data-testid=frames]").TextContent);
        Assert.Equal("12.5 %/min", cut.Find("[data-testid=rate]").TextContent);
        Assert.Equal("2m 25s", cut.Find("[data-testid=eta]").TextContent);
        Assert.Equal("5m 12s", cut.Find("[data-testid=elapsed]").TextContent);
    }

    [Fact]
    public void Estimated_frames_are_marked_as_such()
    {
        var cut = Render<JobCard>(p => p.Add(c => c.Job, Video() with { FramesEstimated = true }));

        Assert.Equal("~78 / 120", cut.Find("[data-testid=frames]").TextContent);
    }

    [Fact]
    public void Image_jobs_show_no_frames_and_unknown_eta_shows_a_dash()
    {
        var cut = Render<JobCard>(p => p.Add(c => c.Job, Video() with { Kind = JobKind.Image, FramesTotal = null, FramesDone = null, EtaSeconds = null }));

        Assert.Empty(cut.FindAll("[data-testid=frames]"));
        Assert.Equal("—", cut.Find("[data-testid=eta]").TextContent);
    }

    [Fact]
    public void A_failed_job_shows_its_error()
    {
        var cut = Render<JobCard>(p => p.Add(c => c.Job, Video() with { Status = JobStatus.Failed, Stage = Stage.Failed, Error = "VAEDecode: CUDA out of memory" }));

        Assert.Equal("VAEDecode: CUDA out of memory", cut.Find(".job-card__error").TextContent);
        Assert.Equal("—", cut.Find("[data-testid=rate]").TextContent);
    }

    [Fact]
    public void An_older_copy_of_the_same_job_does_not_undo_a_newer_one()
    {
        var cut = Render<JobCard>(p => p.Add(c => c.Job, Video(version: 5, percent: 50)));

        cut.Render(p => p.Add(c => c.Job, Video(version: 3, percent: 30)));

        Assert.Equal("50%", cut.Find("[data-testid=percent]").TextContent);
    }
}
