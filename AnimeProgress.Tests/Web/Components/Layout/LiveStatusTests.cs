using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Components.Layout;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AnimeProgress.Tests.Web.Components.Layout;

public sealed class LiveStatusTests : ComponentTestContext
{
    private void PublishJob(long id, JobStatus status, long version, string? error = null, DateTimeOffset? finishedAt = null) => Hub.Publish(new JobSnapshot
    {
        Id = id,
        Title = $"Cut {id}",
        Status = status,
        Error = error,
        FinishedAt = status.IsTerminal() ? finishedAt ?? Time.GetUtcNow() : null,
        Version = version,
    });

    [Fact]
    public void Completion_and_failure_raise_a_snackbar_once_each()
    {
        PublishJob(1, JobStatus.Running, 1);
        PublishJob(2, JobStatus.Running, 1);
        var cut = Render<LiveStatus>();
        var snackbar = Services.GetRequiredService<ISnackbar>();

        PublishJob(1, JobStatus.Completed, 2);
        PublishJob(2, JobStatus.Failed, 2, "VAEDecode: out of memory");
        cut.WaitForAssertion(() => Assert.Equal(2, snackbar.ShownSnackbars.Count()));
        PublishJob(1, JobStatus.Completed, 3);

        var shown = snackbar.ShownSnackbars.ToList();
        Assert.Contains(shown, s => s.Severity == Severity.Success && s.Message == "Completed: Cut 1");
        Assert.Contains(shown, s => s.Severity == Severity.Error && s.Message == "Failed: Cut 2 — VAEDecode: out of memory");
        Assert.Equal(2, snackbar.ShownSnackbars.Count());
    }

    [Fact]
    public void A_polite_live_region_announces_outcomes_and_never_progress()
    {
        PublishJob(1, JobStatus.Running, 1);
        var cut = Render<LiveStatus>();
        var announcer = () => cut.Find("[data-testid=job-announcer]");
        Assert.Equal("polite", announcer().GetAttribute("aria-live"));

        // Progress of a running job: nothing to announce.
        Hub.Publish(new JobSnapshot { Id = 1, Title = "Cut 1", Status = JobStatus.Running, Percent = 40, Version = 2 });
        PublishJob(3, JobStatus.Running, 1);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".live-pill")));
        Assert.Equal("", announcer().TextContent);

        PublishJob(1, JobStatus.Completed, 3);
        cut.WaitForAssertion(() => Assert.Equal("Completed: Cut 1.", announcer().TextContent));
        PublishJob(3, JobStatus.Failed, 2, "VAEDecode: out of memory");
        cut.WaitForAssertion(() => Assert.Equal("Failed: Cut 3 — VAEDecode: out of memory.", announcer().TextContent));
    }

    [Fact]
    public void Jobs_that_finished_before_the_page_opened_raise_nothing()
    {
        var finished = Time.GetUtcNow();
        PublishJob(1, JobStatus.Completed, 1, finishedAt: finished);
        Time.Advance(TimeSpan.FromSeconds(5));
        var cut = Render<LiveStatus>();
        var snackbar = Services.GetRequiredService<ISnackbar>();

        PublishJob(1, JobStatus.Completed, 2, finishedAt: finished);
        PublishJob(3, JobStatus.Running, 1);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".live-pill")));

        Assert.Empty(snackbar.ShownSnackbars);
    }

    [Fact]
    public void Each_instance_shows_online_or_offline()
    {
        Hub.Publish(new InstanceStatus { Name = "gpu-1", BaseUrl = new Uri("http://a/"), Online = true });
        Hub.Publish(new InstanceStatus { Name = "gpu-2", BaseUrl = new Uri("http://b/"), Online = false, LastError = "refused" });

        var cut = Render<LiveStatus>();

        Assert.Contains("instance-pill--online", cut.Find("[data-instance=gpu-1]").ClassList);
        Assert.Contains("instance-pill--offline", cut.Find("[data-instance=gpu-2]").ClassList);

        Hub.Publish(new InstanceStatus { Name = "gpu-2", BaseUrl = new Uri("http://b/"), Online = true });
        cut.WaitForAssertion(() => Assert.Contains("instance-pill--online", cut.Find("[data-instance=gpu-2]").ClassList));
    }
}
