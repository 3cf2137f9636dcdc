using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Components.JobDetail;
using Bunit;

namespace AnimeProgress.Tests.Web.Components.JobDetail;

public sealed class EtaBasisLineTests : ComponentTestContext
{
    private static JobSnapshot Job(JobStatus status, EtaBasis? basis) => new()
    {
        Id = 3,
        Title = "Cut 3",
        Status = status,
        Stage = Stage.PostProcessing,
        RatePercentPerMinute = 1.4,
        EtaSeconds = 90,
        EtaBasis = basis,
        Instance = "gpu-2",
    };

    [Fact]
    public void A_running_job_shows_one_line_with_its_runs_and_speed()
    {
        var cut = Render<EtaBasisLine>(p => p.Add(c => c.Job, Job(JobStatus.Running, new EtaBasis(12, EtaRunsAlike.WorkflowOnMachine, EtaMethod.StageByStage))));

        var line = cut.Find("[data-testid=detail-eta-basis]");
        Assert.Equal(
            "ETA: 12 earlier runs of this workflow on gpu-2, matched stage by stage; post-processing at 1.4 %/min",
            string.Join(' ', line.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void The_line_follows_the_snapshot_and_goes_when_the_job_ends()
    {
        var cut = Render<EtaBasisLine>(p => p.Add(c => c.Job, Job(JobStatus.Running, new EtaBasis(0, EtaRunsAlike.None, EtaMethod.CurrentSpeed))));
        Assert.Contains("No history: from the current speed", cut.Find("[data-testid=detail-eta-basis]").TextContent, StringComparison.Ordinal);

        cut.Render(p => p.Add(c => c.Job, Job(JobStatus.Completed, null)));

        Assert.Empty(cut.FindAll("[data-testid=detail-eta-basis]"));
    }
}
