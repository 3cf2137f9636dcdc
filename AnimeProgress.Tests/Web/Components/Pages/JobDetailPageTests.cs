using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Components.JobDetail;
using AnimeProgress.Web.Components.Pages;
using Bunit;

namespace AnimeProgress.Tests.Web.Components.Pages;

public sealed class JobDetailPageTests : HistoryTestContext
{
    private static JobSnapshot Running(long id, double percent, long version, JobSource source = JobSource.AnimeProgress, Stage stage = Stage.Rendering) => new()
    {
        Id = id,
        Title = $"Running {id}",
        Kind = JobKind.Video,
        Status = JobStatus.Running,
        Stage = stage,
        Percent = percent,
        RatePercentPerMinute = 12.5,
        EtaSeconds = 300,
        EtaLowSeconds = 240,
        EtaHighSeconds = 420,
        FramesDone = 12,
        FramesTotal = 48,
        CreatedAt = T0,
        StartedAt = T0.AddSeconds(5),
        UpdatedAt = T0.AddSeconds(5 + version * 10),
        Instance = "gpu-2",
        PromptId = "5f0c-prompt",
        Source = source,
        PreviewVersion = 3,
        Version = version,
    };

    [Fact]
    public void A_running_job_shows_rate_eta_range_instance_prompt_and_preview()
    {
        Hub.Publish(Running(7, 40, 1));

        var cut = Render<JobDetailPage>(p => p.Add(x => x.Id, 7L));

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=detail-loading]")));
        Assert.Equal("40%", cut.Find("[data-testid=detail-percent]").TextContent);
        Assert.Contains("12.5 %/min", cut.Find("[data-testid=detail-rate]").TextContent, StringComparison.Ordinal);
        Assert.Equal("4–7 min", cut.Find("[data-testid=detail-eta]").TextContent);
        Assert.Equal("4m 0s – 7m 0s", cut.Find("[data-testid=detail-eta-range]").TextContent);
        Assert.StartsWith("gpu-2", cut.Find("[data-testid=detail-instance]").TextContent, StringComparison.Ordinal);
        Assert.Equal("5f0c-prompt", cut.Find("[data-testid=detail-prompt]").TextContent);
        Assert.Equal("api/jobs/7/preview?v=3", cut.Find("[data-testid=detail-preview]").GetAttribute("src"));
        Assert.NotNull(cut.Find("[data-testid=detail-live]"));
    }

    [Theory]
    [InlineData("loading", "KSampler (loading)")]
    [InlineData("running", "KSampler")]
    [InlineData(null, "KSampler")]
    public void The_running_node_shows_what_it_is_doing_when_comfyui_says(string? activity, string expected)
    {
        Hub.Publish(Running(8, 0, 1) with { CurrentNodeType = "KSampler", Activity = activity });

        var cut = Render<JobDetailPage>(p => p.Add(x => x.Id, 8L));

        cut.WaitForAssertion(() => Assert.Equal(expected, cut.Find("[data-testid=detail-node]").TextContent));
    }

    [Fact]
    public void The_page_says_in_one_line_what_the_eta_rests_on()
    {
        Hub.Publish(Running(7, 40, 1) with { EtaBasis = new EtaBasis(12, EtaRunsAlike.Workflow, EtaMethod.StageByStage) });

        var cut = Render<JobDetailPage>(p => p.Add(x => x.Id, 7L));

        cut.WaitForAssertion(() => Assert.Contains(
            "12 earlier runs of this workflow, matched stage by stage; rendering at 12.5 %/min",
            cut.Find("[data-testid=detail-eta-basis]").TextContent,
            StringComparison.Ordinal));
    }

    [Fact]
    public void Follows_the_job_live_and_renders_once_per_change_of_this_job_only()
    {
        Hub.Publish(Running(7, 40, 1));
        var cut = Render<JobDetailPage>(p => p.Add(x => x.Id, 7L));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=stages-loading]")));
        Assert.Equal("40%", cut.Find("[data-testid=detail-percent]").TextContent);
        // The timeline takes the page's values as parameters and has no children: it renders exactly when the page does.
        // (The page's own RenderCount also counts re-renders inside MudChart, which bUnit's loose JS mode makes noisy.)
        var timeline = cut.FindComponent<StageTimeline>();
        var renders = timeline.RenderCount;

        // Another job's update arrives first (same or earlier batch); only this job's update renders the page.
        Hub.Publish(Running(8, 90, 1) with { Title = "Other" });
        Hub.Publish(Running(7, 55, 2, stage: Stage.PostProcessing));

        cut.WaitForAssertion(() => Assert.Equal("55%", cut.Find("[data-testid=detail-percent]").TextContent));
        cut.WaitForAssertion(() => Assert.Equal(renders + 1, timeline.RenderCount));
        // The stage change opened a second span in the timeline, measured live.
        Assert.Equal(["Rendering", "Post-processing"], cut.FindAll(".stage-timeline__item").Select(i => i.GetAttribute("data-stage")));
    }

    [Fact]
    public void A_finished_job_from_the_database_shows_stage_durations_the_chart_and_its_error()
    {
        Store(Finished(21, T0.AddSeconds(10), TimeSpan.FromSeconds(110), status: "failed"));
        StoreSamples(21, (0, "Queued", 0, null), (10, "Initializing", 0, null), (20, "Processing", 10, 30), (40, "Processing", 30, 40), (80, "Rendering", 60, 45), (120, "Failed", 60, null));

        var cut = Render<JobDetailPage>(p => p.Add(x => x.Id, 21L));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=job-detail]")));
        var items = cut.FindAll(".stage-timeline__item");
        Assert.Equal(["Queued", "Initializing", "Processing", "Rendering"], items.Select(i => i.GetAttribute("data-stage")));
        Assert.Equal(["10s", "10s", "1m 0s", "40s"], cut.FindAll("[data-testid=stage-duration]").Select(d => d.TextContent));
        Assert.Equal("6", cut.Find("[data-testid=progress-chart]").GetAttribute("data-points"));
        Assert.NotNull(cut.Find("[data-testid=progress-chart] svg"));
        Assert.Equal("CUDA out of memory", cut.Find("[data-testid=detail-error]").TextContent.Trim());
        Assert.Contains("read from the database", cut.Find("[data-testid=detail-source]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=detail-live]"));
    }

    [Fact]
    public void A_job_without_samples_says_so_instead_of_drawing_an_empty_chart()
    {
        Store(Finished(22, T0, TimeSpan.FromMinutes(1)));

        var cut = Render<JobDetailPage>(p => p.Add(x => x.Id, 22L));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=chart-empty]")));
        Assert.NotNull(cut.Find("[data-testid=timeline-empty]"));
    }

    [Fact]
    public void An_unknown_id_says_the_job_was_not_found()
    {
        var cut = Render<JobDetailPage>(p => p.Add(x => x.Id, 404L));

        cut.WaitForAssertion(() => Assert.Contains("No job with id 404", cut.Find("[data-testid=detail-not-found]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Shows_loading_until_the_database_answers()
    {
        Store(Finished(23, T0, TimeSpan.FromMinutes(1)));
        Gate.Close();

        var cut = Render<JobDetailPage>(p => p.Add(x => x.Id, 23L));

        Assert.NotNull(cut.Find("[data-testid=detail-loading]"));
        Gate.Open();
        cut.WaitForAssertion(() => Assert.Equal("23", cut.Find("[data-testid=job-detail]").GetAttribute("data-job-id")));
        Assert.Empty(cut.FindAll("[data-testid=detail-loading]"));
    }

    [Fact]
    public void A_job_from_another_client_has_no_percent_and_no_chart()
    {
        Hub.Publish(Running(9, 0, 1, JobSource.External, Stage.Processing) with { RatePercentPerMinute = null, EtaSeconds = null, EtaLowSeconds = null, EtaHighSeconds = null });

        var cut = Render<JobDetailPage>(p => p.Add(x => x.Id, 9L));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=no-step-detail]")));
        Assert.Equal("not available (no step detail)", cut.Find("[data-testid=detail-percent]").TextContent);
        Assert.Equal("—", cut.Find("[data-testid=detail-eta]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=progress-chart]"));
    }
}
