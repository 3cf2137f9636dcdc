using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Tests.Core.Jobs;

/// <summary>The one line that says what a job's ETA rests on, for each kind of basis.</summary>
public sealed class EtaExplanationTests
{
    private static JobSnapshot Job(EtaBasis? basis, JobStatus status = JobStatus.Running, double? rate = 14.2, JobSource source = JobSource.AnimeProgress, JobKind kind = JobKind.Image, string? instance = "gpu-1") => new()
    {
        Id = 1,
        Title = "Cut 1",
        Kind = kind,
        Status = status,
        Stage = status == JobStatus.Running ? Stage.Rendering : Stage.Queued,
        RatePercentPerMinute = rate,
        EtaSeconds = 120,
        EtaBasis = basis,
        Instance = instance,
        Source = source,
    };

    public static TheoryData<EtaBasis, string> RunningLines => new()
    {
        { new EtaBasis(12, EtaRunsAlike.WorkflowOnMachine, EtaMethod.StageByStage), "12 earlier runs of this workflow on gpu-1, matched stage by stage; rendering at 14.2 %/min" },
        { new EtaBasis(1, EtaRunsAlike.Workflow, EtaMethod.StageByStage), "1 earlier run of this workflow, matched stage by stage; rendering at 14.2 %/min" },
        { new EtaBasis(5, EtaRunsAlike.Workflow, EtaMethod.ElapsedTime), "5 earlier runs of this workflow, where percent keeps pace with time: from the time so far; rendering at 14.2 %/min" },
        { new EtaBasis(3, EtaRunsAlike.KindOnMachine, EtaMethod.CurrentSpeed), "3 earlier image jobs on gpu-1 (other workflows), weighed against the current speed; rendering at 14.2 %/min" },
        { new EtaBasis(2, EtaRunsAlike.Kind, EtaMethod.StageByStage), "2 earlier image jobs (other workflows), matched stage by stage; rendering at 14.2 %/min" },
        { new EtaBasis(0, EtaRunsAlike.None, EtaMethod.CurrentSpeed), "No history: from the current speed; rendering at 14.2 %/min" },
        { EtaBasis.Nothing, "No history yet: an estimate follows once the job has made a little progress" },
    };

    [Theory]
    [MemberData(nameof(RunningLines))]
    public void A_running_job_says_how_many_runs_how_alike_which_estimate_leads_and_how_fast_it_goes(EtaBasis basis, string line)
    {
        Assert.Equal(line, EtaExplanation.Describe(Job(basis)));
    }

    [Fact]
    public void Without_a_known_rate_the_speed_is_left_out()
    {
        Assert.Equal("No history: from the current speed", EtaExplanation.Describe(Job(new EtaBasis(0, EtaRunsAlike.None, EtaMethod.CurrentSpeed), rate: null)));
    }

    [Fact]
    public void A_queued_job_says_its_estimate_comes_from_how_long_the_runs_took_after_the_work_ahead()
    {
        Assert.Equal(
            "4 earlier runs of this workflow on gpu-1: how long they took, after the work queued ahead of it",
            EtaExplanation.Describe(Job(new EtaBasis(4, EtaRunsAlike.WorkflowOnMachine, EtaMethod.TypicalRun), JobStatus.Queued)));
        Assert.Equal("No history of such jobs yet: no estimate before it starts", EtaExplanation.Describe(Job(EtaBasis.Nothing, JobStatus.Queued)));
    }

    [Fact]
    public void A_job_that_reports_no_steps_says_so_and_shows_no_speed()
    {
        Assert.Equal(
            "2 earlier video jobs on gpu-1 (other workflows): how long they took (this job reports no steps)",
            EtaExplanation.Describe(Job(new EtaBasis(2, EtaRunsAlike.KindOnMachine, EtaMethod.TypicalRun), source: JobSource.External, kind: JobKind.Video)));
        Assert.Equal(
            "No history of such jobs yet, and this job reports no steps: no estimate",
            EtaExplanation.Describe(Job(EtaBasis.Nothing, source: JobSource.External)));
    }

    [Theory]
    [InlineData(JobStatus.Completed)]
    [InlineData(JobStatus.Failed)]
    [InlineData(JobStatus.Cancelled)]
    public void An_ended_job_or_one_without_a_basis_says_nothing(JobStatus status)
    {
        Assert.Null(EtaExplanation.Describe(Job(new EtaBasis(3, EtaRunsAlike.Workflow, EtaMethod.StageByStage), status)));
        Assert.Null(EtaExplanation.Describe(Job(null)));
    }
}
