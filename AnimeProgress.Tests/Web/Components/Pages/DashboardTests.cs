using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Components.Pages;
using Bunit;
using MudBlazor;
using MudBlazor.Services;

namespace AnimeProgress.Tests.Web.Components.Pages;

public sealed class DashboardTests : ComponentTestContext
{
    private JobSnapshot Publish(long id, JobStatus status, double percent = 0, long version = 1)
    {
        var job = new JobSnapshot
        {
            Id = id,
            Title = $"Job {id}",
            Status = status,
            Stage = status == JobStatus.Running ? Stage.Rendering : status == JobStatus.Completed ? Stage.Completed : Stage.Queued,
            Percent = percent,
            StartedAt = status == JobStatus.Queued ? null : Time.GetUtcNow(),
            FinishedAt = status.IsTerminal() ? Time.GetUtcNow() : null,
            UpdatedAt = Time.GetUtcNow(),
            Version = version,
        };
        Hub.Publish(job);
        return job;
    }

    [Fact]
    public void Lists_running_jobs_first_then_queued_then_recently_finished_with_counters()
    {
        Publish(1, JobStatus.Completed, 100);
        Publish(2, JobStatus.Queued);
        Publish(3, JobStatus.Running, 40);
        Publish(4, JobStatus.Failed, 10);

        var cut = Render<Dashboard>();

        var ids = cut.FindAll(".job-card").Select(c => c.GetAttribute("data-job-id")).ToList();
        Assert.Equal(["3", "2", "4", "1"], ids);
        Assert.Equal("1", cut.Find("[data-testid=count-running]").TextContent);
        Assert.Equal("1", cut.Find("[data-testid=count-queued]").TextContent);
        Assert.Equal("1", cut.Find("[data-testid=count-completed]").TextContent);
        Assert.Equal("1", cut.Find("[data-testid=count-failed]").TextContent);
    }

    [Fact]
    public void A_progress_update_arrives_live_and_a_status_change_reorders()
    {
        Publish(1, JobStatus.Running, 10);
        Publish(2, JobStatus.Queued);
        var cut = Render<Dashboard>();

        Publish(1, JobStatus.Running, 55, version: 2);
        cut.WaitForAssertion(() => Assert.Equal("55", cut.Find(".job-card[data-job-id='1'] [role=progressbar]").GetAttribute("aria-valuenow")));

        Publish(1, JobStatus.Completed, 100, version: 3);
        Publish(2, JobStatus.Running, 1, version: 2);
        cut.WaitForAssertion(() =>
            Assert.Equal(["2", "1"], cut.FindAll(".job-card").Select(c => c.GetAttribute("data-job-id"))));
    }

    [Fact]
    public void Only_the_changed_job_re_renders()
    {
        Publish(1, JobStatus.Running, 10);
        Publish(2, JobStatus.Running, 10);
        var cut = Render<Dashboard>();
        var cards = cut.FindComponents<AnimeProgress.Web.Components.Jobs.JobCard>();
        var before = cards.Select(c => c.RenderCount).ToList();

        Publish(1, JobStatus.Running, 20, version: 2);
        cut.WaitForAssertion(() => Assert.Equal("20", cut.Find(".job-card[data-job-id='1'] [role=progressbar]").GetAttribute("aria-valuenow")));

        Assert.Equal(before[0] + 1, cards[0].RenderCount);
        Assert.Equal(before[1], cards[1].RenderCount);
    }

    [Fact]
    public async Task The_layout_switches_to_cards_on_a_phone_and_back()
    {
        Publish(1, JobStatus.Running, 10);
        var cut = Render<Dashboard>();

        await cut.InvokeAsync(() => cut.Instance.NotifyBrowserViewportChangeAsync(
            new BrowserViewportEventArgs(Guid.NewGuid(), new BrowserWindowSize { Width = 1400, Height = 900 }, Breakpoint.Lg, isImmediate: true)));
        Assert.Equal("rows", cut.Find(".job-list").GetAttribute("data-layout"));

        await cut.InvokeAsync(() => cut.Instance.NotifyBrowserViewportChangeAsync(
            new BrowserViewportEventArgs(Guid.NewGuid(), new BrowserWindowSize { Width = 390, Height = 844 }, Breakpoint.Xs, isImmediate: false)));
        Assert.Equal("cards", cut.Find(".job-list").GetAttribute("data-layout"));

        await cut.InvokeAsync(() => cut.Instance.NotifyBrowserViewportChangeAsync(
            new BrowserViewportEventArgs(Guid.NewGuid(), new BrowserWindowSize { Width = 1400, Height = 900 }, Breakpoint.Lg, isImmediate: false)));
        Assert.Equal("rows", cut.Find(".job-list").GetAttribute("data-layout"));
    }

    [Fact]
    public void An_empty_dashboard_says_so()
    {
        var cut = Render<Dashboard>();

        Assert.Contains("No jobs yet", cut.Find(".job-list__empty").TextContent, StringComparison.Ordinal);
    }
}
