using AnimeProgress.Core.Jobs;
using AnimeProgress.Tests.Web.Components;
using AnimeProgress.Web.Components.History;
using AnimeProgress.Web.Jobs.ReadModel;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.Tests.Web.Jobs.ReadModel;

/// <summary>The read model as the history page uses it, against a real SQLite file: filters, paging and aggregates.</summary>
public sealed class JobQueriesHistoryTests : HistoryTestContext
{
    private JobQueries Queries => Services.GetRequiredService<JobQueries>();

    private JobStatistics Statistics => Services.GetRequiredService<JobStatistics>();

    public JobQueriesHistoryTests()
    {
        Store(
            Finished(1, T0, TimeSpan.FromMinutes(2), kind: "image", instance: "gpu-1", title: "Sakura close-up"),
            Finished(2, T0.AddHours(1), TimeSpan.FromMinutes(4), kind: "video", instance: "gpu-2", title: "Opening 100% cut"),
            Finished(3, T0.AddHours(2), TimeSpan.FromMinutes(1), status: "failed", kind: "video", instance: "gpu-2", title: "Ending"),
            Finished(4, T0.AddHours(26), TimeSpan.FromMinutes(3), status: "cancelled", kind: "image", instance: "gpu-1", title: "sakura wide"));
    }

    [Theory]
    [InlineData(null, null, null, null, new long[] { 4, 3, 2, 1 })]
    [InlineData(JobStatus.Completed, null, null, null, new long[] { 2, 1 })]
    [InlineData(null, JobKind.Video, null, null, new long[] { 3, 2 })]
    [InlineData(null, null, "gpu-1", null, new long[] { 4, 1 })]
    [InlineData(null, null, null, "SAKURA", new long[] { 4, 1 })]
    [InlineData(null, null, null, "100%", new long[] { 2 })]
    [InlineData(null, null, null, "prompt-3", new long[] { 3 })]
    public async Task Filters_by_status_kind_instance_and_text(JobStatus? status, JobKind? kind, string? instance, string? text, long[] expected)
    {
        var page = await Queries.SearchStoredAsync(new HistoryFilter { Status = status, Kind = kind, Instance = instance, Text = text }.ToJobFilter(),
            JobSort.Finished, descending: true, skip: 0, take: 10, TestContext.Current.CancellationToken);

        Assert.Equal(expected, page.Jobs.Select(j => j.Id));
        Assert.Equal(expected.Length, page.Total);
    }

    [Fact]
    public async Task Filters_by_finish_time_and_pages_in_the_database()
    {
        var filter = new HistoryFilter { From = T0.AddMinutes(30), To = T0.AddHours(3) };

        var first = await Queries.SearchStoredAsync(filter.ToJobFilter(), JobSort.Finished, descending: false, skip: 0, take: 1, TestContext.Current.CancellationToken);
        var second = await Queries.SearchStoredAsync(filter.ToJobFilter(), JobSort.Finished, descending: false, skip: 1, take: 1, TestContext.Current.CancellationToken);

        Assert.Equal(2, first.Total);
        Assert.Equal([2L], first.Jobs.Select(j => j.Id));
        Assert.Equal([3L], second.Jobs.Select(j => j.Id));
    }

    [Fact]
    public async Task Aggregates_throughput_per_hour_stage_averages_and_workflows()
    {
        StoreSamples(1, (0, "Initializing", 0, null), (10, "Processing", 5, 30), (120, "Completed", 100, null));
        StoreSamples(2, (3600, "Initializing", 0, null), (3630, "Processing", 5, 30), (3840, "Completed", 100, null));

        var stats = await Statistics.GetAsync(new HistoryFilter { To = T0.AddHours(3) }.ToJobFilter(), TestContext.Current.CancellationToken);

        Assert.Equal(3, stats.Jobs);
        Assert.Equal([1, 1, 1], stats.Throughput.Select(h => h.Completed + h.Failed));
        Assert.Equal(3, stats.Throughput.Count);
        var processing = Assert.Single(stats.Stages, s => s.Stage == "Processing");
        Assert.Equal(TimeSpan.FromSeconds((110 + 210) / 2.0), processing.Average);
        Assert.Equal(TimeSpan.FromSeconds(20), Assert.Single(stats.Stages, s => s.Stage == "Initializing").Average);
        var video = Assert.Single(stats.Workflows, w => w.Workflow == "Video on gpu-2");
        Assert.Equal((2, 1, TimeSpan.FromMinutes(4)), (video.Jobs, video.Failed, video.AverageRun!.Value));
    }

    [Fact]
    public async Task Jobs_of_the_same_workflow_are_averaged_together_across_instances()
    {
        var a = Finished(101, T0, TimeSpan.FromMinutes(2), instance: "gpu-1");
        a.WorkflowKey = "abcdef0123456789";
        var b = Finished(102, T0.AddMinutes(5), TimeSpan.FromMinutes(4), instance: "gpu-2");
        b.WorkflowKey = "abcdef0123456789";
        Store(a, b);

        var stats = await Statistics.GetAsync(new HistoryFilter { To = T0.AddHours(1) }.ToJobFilter(), TestContext.Current.CancellationToken);

        var workflow = Assert.Single(stats.Workflows, w => w.Workflow == "Image workflow abcdef01");
        Assert.Equal((2, TimeSpan.FromMinutes(3)), (workflow.Jobs, workflow.AverageRun!.Value));
    }
}
