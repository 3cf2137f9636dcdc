using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Queue;
using AnimeProgress.Web.Components.History;
using AnimeProgress.Web.Components.Pages;
using Bunit;
using MudBlazor;

namespace AnimeProgress.Tests.Web.Components.Pages;

public sealed class HistoryPageTests : HistoryTestContext
{
    // The date range picker and the selects open popovers; the layout provides this in the app.
    private IRenderedComponent<HistoryPage> RenderPage()
    {
        Render<MudPopoverProvider>();
        return Render<HistoryPage>();
    }

    private void StoreThirtyJobs()
    {
        // 30 finished jobs over three hours, newest last; two still-active jobs are never listed.
        var rows = Enumerable.Range(1, 30).Select(i => Finished(i, T0.AddMinutes(6 * i), TimeSpan.FromMinutes(2),
            status: i % 10 == 0 ? "failed" : "completed", kind: i % 3 == 0 ? "video" : "image", instance: i % 2 == 0 ? "gpu-2" : "gpu-1")).ToList();
        rows.Add(new ProductionJobRow { Id = 100, Title = "Still running", Status = "processing", CreatedAt = T0, UpdatedAt = T0 });
        rows.Add(new ProductionJobRow { Id = 101, Title = "Waiting", Status = "queued", CreatedAt = T0, UpdatedAt = T0 });
        Store([.. rows]);
    }

    [Fact]
    public void An_empty_database_shows_the_empty_states()
    {
        var cut = RenderPage();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=history-empty]")));
        Assert.NotNull(cut.Find("[data-testid=throughput-empty]"));
        Assert.NotNull(cut.Find("[data-testid=stages-empty]"));
        Assert.Empty(cut.FindAll("[data-testid=history-row]"));
    }

    [Fact]
    public void Lists_finished_jobs_newest_first_one_page_at_a_time_with_charts()
    {
        StoreThirtyJobs();
        StoreSamples(30, (0, "Queued", 0, null), (20, "Processing", 5, 20), (80, "Rendering", 50, 40), (100, "Completed", 100, null));

        var cut = RenderPage();

        cut.WaitForAssertion(() => Assert.Equal(25, cut.FindAll("[data-testid=history-row]").Count));
        Assert.Equal("30 jobs", cut.Find("[data-testid=history-total]").TextContent);
        Assert.Equal("30", cut.FindAll("[data-testid=history-row]")[0].GetAttribute("data-job-id"));
        Assert.Equal("jobs/30", cut.FindAll("[data-testid=history-row]")[0].GetAttribute("href"));
        Assert.NotNull(cut.Find("[data-testid=throughput-chart] svg"));
        Assert.Equal(["Queued", "Processing", "Rendering"], cut.FindAll("[data-testid=stage-averages] li").Select(l => l.GetAttribute("data-stage")));
        Assert.Contains("the graph's structure", cut.Find("[data-testid=workflow-meaning]").TextContent, StringComparison.Ordinal);
        Assert.Equal(4, cut.FindAll("[data-testid=workflow-averages] tbody tr").Count);
    }

    [Fact]
    public void The_next_page_starts_after_the_last_row_shown_and_the_previous_page_comes_back()
    {
        StoreThirtyJobs();
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal(25, cut.FindAll("[data-testid=history-row]").Count));

        // Page 2 is read after page 1's last row (keyset), with the total already known.
        cut.Find("button[aria-label='Next page']").Click();

        cut.WaitForAssertion(() => Assert.Equal(["5", "4", "3", "2", "1"], cut.FindAll("[data-testid=history-row]").Select(r => r.GetAttribute("data-job-id"))));
        Assert.Equal("30 jobs", cut.Find("[data-testid=history-total]").TextContent);

        cut.Find("button[aria-label='Previous page']").Click();

        cut.WaitForAssertion(() => Assert.Equal(Enumerable.Range(6, 25).Reverse().Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            cut.FindAll("[data-testid=history-row]").Select(r => r.GetAttribute("data-job-id"))));
    }

    [Fact]
    public void Each_row_shows_its_place_in_a_retry_chain()
    {
        Store(Finished(1, T0, TimeSpan.FromMinutes(2), status: "failed", title: "First try"),
            Finished(2, T0.AddMinutes(5), TimeSpan.FromMinutes(2), status: "failed", title: "Second try"),
            Finished(3, T0.AddMinutes(10), TimeSpan.FromMinutes(2), title: "Third try"),
            Finished(4, T0.AddMinutes(15), TimeSpan.FromMinutes(2), title: "Unrelated"));
        using (var db = NewContext())
        {
            db.FleetQueue.AddRange(
                new FleetQueueRow { JobId = 1, Title = "First try", State = "dispatched", SubmittedAt = T0, UpdatedAt = T0 },
                new FleetQueueRow { JobId = 2, Title = "Second try", State = "dispatched", RetryOf = 1, SubmittedAt = T0, UpdatedAt = T0 },
                new FleetQueueRow { JobId = 3, Title = "Third try", State = "dispatched", RetryOf = 2, SubmittedAt = T0, UpdatedAt = T0 });
            db.SaveChanges();
        }

        var cut = RenderPage();

        cut.WaitForAssertion(() => Assert.Equal(4, cut.FindAll("[data-testid=history-row]").Count));
        string? Chain(long id) => cut.FindAll("tr").SingleOrDefault(r => r.QuerySelector($"[data-job-id='{id}']") is not null)
            ?.QuerySelector("[data-testid=retry-chain]")?.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) is { } words ? string.Join(' ', words) : null;
        Assert.Equal("Retried as #2", Chain(1));
        Assert.Equal("Retry of #1 · Retried as #3", Chain(2));
        Assert.Equal("Retry of #2", Chain(3));
        Assert.Null(Chain(4));
    }

    [Fact]
    public async Task A_filter_change_queries_the_database_again()
    {
        StoreThirtyJobs();
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal(25, cut.FindAll("[data-testid=history-row]").Count));

        var filters = cut.FindComponent<HistoryFilters>();
        await cut.InvokeAsync(() => filters.Instance.FilterChanged.InvokeAsync(new HistoryFilter { Status = JobStatus.Failed }));

        cut.WaitForAssertion(() => Assert.Equal(["30", "20", "10"], cut.FindAll("[data-testid=history-row]").Select(r => r.GetAttribute("data-job-id"))));
        Assert.Equal("3 jobs", cut.Find("[data-testid=history-total]").TextContent);
    }

    [Fact]
    public void Shows_loading_until_the_database_answers()
    {
        StoreThirtyJobs();
        Gate.Close();

        var cut = RenderPage();

        Assert.NotNull(cut.Find("[data-testid=history-loading]"));
        Assert.Empty(cut.FindAll("[data-testid=history-row]"));
        Gate.Open();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=history-charts]")));
        cut.WaitForAssertion(() => Assert.Equal(25, cut.FindAll("[data-testid=history-row]").Count));
        Assert.Empty(cut.FindAll("[data-testid=history-loading]"));
    }
}
