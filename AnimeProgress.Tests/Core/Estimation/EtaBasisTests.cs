using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.Estimation;

/// <summary>Every estimate says what it rests on: how many earlier runs, how alike, and which estimate leads.</summary>
public sealed class EtaBasisTests
{
    private static readonly Dictionary<Stage, TimeSpan> NoStages = [];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Without_history_there_is_nothing_to_say_until_a_little_progress_then_the_current_speed_leads()
    {
        var job = new JobDriver(new StageAwareEtaModel(), _time, JobDriver.Image);

        Assert.Equal((null, EtaBasis.Nothing), (job.Estimate().EtaSeconds, job.Estimate().Basis));

        job.Run(JobDriver.Profile()[..4]);
        var estimate = job.Estimate();
        Assert.NotNull(estimate.EtaSeconds);
        Assert.Equal(new EtaBasis(0, EtaRunsAlike.None, EtaMethod.CurrentSpeed), estimate.Basis);
    }

    [Fact]
    public void With_runs_of_the_workflow_on_the_machine_where_percent_is_not_time_the_stage_by_stage_estimate_leads()
    {
        var model = new StageAwareEtaModel();
        for (var i = 0; i < 6; i++)
        {
            JobDriver.Record(model, _time, JobDriver.Image, JobDriver.Profile(gpuSlowness: 0.95 + 0.02 * i));
        }

        var job = new JobDriver(model, _time, JobDriver.Image with { });
        Assert.Equal(new EtaBasis(6, EtaRunsAlike.WorkflowOnMachine, EtaMethod.StageByStage), job.Estimate().Basis);

        // Deep in the slow decode, where percent hardly moves: still the earlier runs' stages that say what is left.
        job.Run(JobDriver.Profile()[..4]).RunPart(JobDriver.Profile()[4], 8);
        Assert.Equal(new EtaBasis(6, EtaRunsAlike.WorkflowOnMachine, EtaMethod.StageByStage), job.Estimate().Basis);
    }

    [Fact]
    public void The_basis_names_the_history_level_the_job_was_compared_at()
    {
        var model = new StageAwareEtaModel();
        JobDriver.Record(model, _time, JobDriver.Image, JobDriver.Profile());

        var elsewhere = new JobDriver(model, _time, JobDriver.Image with { Instance = "gpu-2" });

        Assert.Equal((1, EtaRunsAlike.Workflow), (elsewhere.Estimate().Basis!.Runs, elsewhere.Estimate().Basis!.Alike));
    }

    [Fact]
    public void A_queued_jobs_basis_is_the_typical_run_of_its_history_and_nothing_without_one()
    {
        var model = new StageAwareEtaModel();
        Assert.Equal(EtaBasis.Nothing, model.HistoryBasis(JobDriver.Image));

        foreach (var seconds in new[] { 60, 80, 70 })
        {
            model.RecordFinished(JobDriver.Image with { }, TimeSpan.FromSeconds(seconds), NoStages, succeeded: true);
        }

        Assert.Equal(new EtaBasis(3, EtaRunsAlike.WorkflowOnMachine, EtaMethod.TypicalRun), model.HistoryBasis(JobDriver.Image));
        Assert.Equal(new EtaBasis(3, EtaRunsAlike.KindOnMachine, EtaMethod.TypicalRun), model.HistoryBasis(JobDriver.Image with { WorkflowKey = "wf-other" }));
    }
}
