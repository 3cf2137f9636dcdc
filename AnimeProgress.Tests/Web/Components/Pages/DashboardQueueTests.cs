using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Tests.Core.Tracking;
using AnimeProgress.Tests.Support;
using AnimeProgress.Web.Components.Pages;
using Bunit;

namespace AnimeProgress.Tests.Web.Components.Pages;

/// <summary>A long queue on the dashboard: a few cards per instance and one "+N more queued" line; the page does not grow.</summary>
public sealed class DashboardQueueTests : ComponentTestContext
{
    private void PublishQueued(int count, string instance, long firstId = 1)
    {
        for (var i = 0; i < count; i++)
        {
            Hub.Publish(new JobSnapshot
            {
                Id = firstId + i,
                Title = $"Ep 04 cut {i:D5}",
                Status = JobStatus.Queued,
                Stage = Stage.Queued,
                Instance = instance,
                PromptId = $"prompt-{i}",
                QueuePosition = i + 1,
                CreatedAt = Time.GetUtcNow(),
                UpdatedAt = Time.GetUtcNow(),
                Version = 1,
            });
        }
    }

    [Fact]
    public void Prompts_beyond_the_tracking_cap_and_past_the_first_25_cards_are_one_more_queued_line()
    {
        // The real tracker, capped at 50 followed jobs, reads a queue of 500 prompts another program queued.
        var tracker = TrackerHarness.NewTracker(Hub, Time, new TrackerOptions { MaxActiveJobsPerInstance = 50 });
        tracker.Apply(new InstanceConnected("gpu-1", new Uri("http://gpu-1:8188")));
        tracker.Apply(new InstanceReconciled("gpu-1", ActiveJobCapTests.Queue(500), new Dictionary<string, HistoryEntry?>(), Time.GetUtcNow(), "animeprogress"));

        var cut = Render<Dashboard>();

        // 50 followed (1 running, 49 queued) + 450 counted: 1 running card, 25 queued cards, and 24 + 450 more.
        Assert.Single(cut.FindAll(".job-card[data-status=Running]"));
        Assert.Equal(25, cut.FindAll(".job-card[data-status=Queued]").Count);
        var more = cut.Find("[data-testid=more-queued]");
        Assert.Equal("+474 more queued on gpu-1", more.TextContent.Trim());
        Assert.Equal("499", cut.Find("[data-testid=count-queued]").TextContent);
    }

    [Fact]
    public void Each_instance_gets_its_own_line_after_the_queued_cards()
    {
        PublishQueued(30, "gpu-a");
        PublishQueued(27, "gpu-b", firstId: 1_000);

        var cut = Render<Dashboard>();

        Assert.Equal(50, cut.FindAll(".job-card").Count);
        Assert.Equal(
            ["+5 more queued on gpu-a", "+2 more queued on gpu-b"],
            cut.FindAll("[data-testid=more-queued]").Select(e => e.TextContent.Trim()));
    }

    [Fact]
    public void The_page_is_the_same_size_with_20000_queued_jobs_as_with_100()
    {
        PublishQueued(100, "gpu-1");
        var small = Render<Dashboard>().Markup.Length;

        PublishQueued(20_000, "gpu-1");
        var cut = Render<Dashboard>();
        var large = cut.Markup.Length;

        Assert.Equal(25, cut.FindAll(".job-card").Count);
        Assert.Contains("+19,975 more queued on gpu-1", cut.Find("[data-testid=more-queued]").TextContent, StringComparison.Ordinal);
        // Only the count's digits differ.
        Assert.InRange(large, small - 16, small + 16);
        Assert.True(large < 100_000, $"the page is {large} characters");
    }
}
