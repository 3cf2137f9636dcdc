using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.Estimation;

/// <summary>The shared model: which history a job gets, what is remembered, and that it is safe to share.</summary>
public sealed class StageAwareEtaModelTests
{
    private static readonly Dictionary<Stage, TimeSpan> NoStages = [];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly StageAwareEtaModel _model = new();

    [Fact]
    public void Without_history_no_run_time_is_expected()
    {
        Assert.Null(_model.ExpectedRunSeconds(JobDriver.Image));
    }

    [Fact]
    public void The_expected_run_time_is_the_median_of_recorded_run_times()
    {
        foreach (var seconds in new[] { 60, 80, 70 })
        {
            _model.RecordFinished(JobDriver.Image with { }, TimeSpan.FromSeconds(seconds), NoStages, succeeded: true);
        }

        Assert.Equal(70, _model.ExpectedRunSeconds(JobDriver.Image));
    }

    [Fact]
    public void Failed_runs_do_not_become_history()
    {
        _model.RecordFinished(JobDriver.Image, TimeSpan.FromSeconds(5), NoStages, succeeded: false);

        Assert.Null(_model.ExpectedRunSeconds(JobDriver.Image));
    }

    [Fact]
    public void History_comes_from_the_same_workflow_then_the_same_kind_and_instance_then_the_same_kind()
    {
        var otherWorkflow = JobDriver.Image with { WorkflowKey = "wf-other" };
        for (var i = 0; i < 3; i++)
        {
            _model.RecordFinished(JobDriver.Image with { }, TimeSpan.FromSeconds(60), NoStages, succeeded: true);
        }

        Assert.Equal(HistoryLevel.WorkflowOnInstance, _model.History.Lookup(JobDriver.Image).Level);
        Assert.Equal(HistoryLevel.Workflow, _model.History.Lookup(JobDriver.Image with { Instance = "gpu-2" }).Level);
        Assert.Equal(HistoryLevel.KindOnInstance, _model.History.Lookup(otherWorkflow).Level);
        Assert.Equal(HistoryLevel.Kind, _model.History.Lookup(otherWorkflow with { Instance = "gpu-2" }).Level);
        Assert.Equal(HistoryLevel.None, _model.History.Lookup(new JobFacts(JobKind.Video, null, "gpu-1")).Level);
    }

    [Fact]
    public void History_keeps_the_newest_fifty_runs_per_key()
    {
        for (var i = 1; i <= 60; i++)
        {
            _model.RecordFinished(JobDriver.Image with { }, TimeSpan.FromSeconds(i), NoStages, succeeded: true);
        }

        Assert.Equal(50, _model.History.CountOf(JobDriver.Image, HistoryLevel.Workflow));
        Assert.Equal(35.5, _model.ExpectedRunSeconds(JobDriver.Image));
    }

    [Fact]
    public void History_forgets_the_least_recently_used_keys_beyond_its_limit()
    {
        var history = new RunHistory(runsPerKey: 5, maxKeys: 6);
        var run = RunRecord.FromStageTotals(10, NoStages);
        // Each workflow adds two keys (the workflow with and without its instance) next to the shared kind keys.
        for (var i = 0; i < 4; i++)
        {
            history.Add(new JobFacts(JobKind.Image, $"wf-{i}", "gpu-1"), run);
        }

        Assert.Equal(0, history.CountOf(new JobFacts(JobKind.Image, "wf-0", "gpu-1"), HistoryLevel.Workflow));
        Assert.Equal(1, history.CountOf(new JobFacts(JobKind.Image, "wf-3", "gpu-1"), HistoryLevel.Workflow));
        Assert.Equal(4, history.CountOf(new JobFacts(JobKind.Image, null, "gpu-1"), HistoryLevel.KindOnInstance));
    }

    [Fact]
    public void A_run_recorded_without_its_estimator_still_guides_the_next_job_by_its_stage_times()
    {
        var stages = new Dictionary<Stage, TimeSpan>
        {
            [Stage.Initializing] = TimeSpan.FromSeconds(10),
            [Stage.Processing] = TimeSpan.FromSeconds(2),
            [Stage.Rendering] = TimeSpan.FromSeconds(30),
            [Stage.PostProcessing] = TimeSpan.FromSeconds(15),
            [Stage.Finalizing] = TimeSpan.FromSeconds(8),
        };
        // An equal but different facts instance: the model cannot find the estimator, only the stage totals.
        _model.RecordFinished(JobDriver.Image with { }, TimeSpan.FromSeconds(65), stages, succeeded: true);

        var job = new JobDriver(_model, _time, JobDriver.Image);
        job.Wait(4);

        Assert.Equal(61, job.Estimate().EtaSeconds!.Value, 2);
    }

    [Theory]
    [InlineData(true, 80)]
    [InlineData(false, 20)]
    public void Which_estimate_a_job_gets_follows_how_each_did_on_its_workflows_runs(bool stageAwareWasRight, double expected)
    {
        // Runs of one workflow in which percent reached 50 % after 20 s and 100 % after 100 s. Their
        // samples say either that the stage-aware estimate was right and linear wrong, or the reverse.
        for (var i = 0; i < 8; i++)
        {
            _model.History.Add(JobDriver.Image with { }, FastThenSlowRun(stageAwareWasRight));
        }

        // A job of that workflow at 50 % after 20 s: stage-aware says 80 s are left, linear 20 s.
        var job = new JobDriver(_model, _time, JobDriver.Image).Run(new Leg(Stage.Rendering, 20, 50, Steps: 20));

        Assert.Equal(expected, job.Estimate().EtaSeconds!.Value, expected * 0.15);
    }

    private static RunRecord FastThenSlowRun(bool stageAwareWasRight)
    {
        static double PercentAt(double seconds) => seconds <= 20 ? 2.5 * seconds : 50 + (seconds - 20) * 50 / 80;
        var curve = new SegmentCurve(Enumerable.Range(1, 50).Select(k => (k * 2.0, PercentAt(k * 2.0))).ToArray());
        var samples = Enumerable.Range(1, 40).Select(k =>
        {
            var seconds = k * 2.5;
            var truth = 100 - seconds;
            var percent = PercentAt(seconds);
            var linear = seconds * (100 - percent) / percent;
            var etas = stageAwareWasRight ? new CandidateEtas(truth, linear, linear) : new CandidateEtas(4 * truth, truth, truth);
            return new RunSample(seconds, etas, truth, 0.05, percent);
        }).ToArray();
        return new RunRecord([new RunSegment(Stage.Rendering, 0, 100, 0, 100, curve)], 100, samples, priorLevel: HistoryLevel.WorkflowOnInstance);
    }

    [Fact]
    public void The_model_can_be_shared_by_threads_that_start_record_and_ask_at_once()
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = TestContext.Current.CancellationToken };
        var start = _time.GetUtcNow();
        Parallel.For(0, 400, options, i =>
        {
            var facts = new JobFacts(i % 2 == 0 ? JobKind.Image : JobKind.Video, $"wf-{i % 3}", $"gpu-{i % 2}");
            var estimator = _model.Start(facts, start);
            estimator.Observe(start.AddSeconds(10), 50, Stage.Rendering);
            _ = estimator.EstimateAt(start.AddSeconds(11));
            _ = _model.ExpectedRunSeconds(facts);
            _model.RecordFinished(facts, TimeSpan.FromSeconds(20), NoStages, succeeded: true);
        });

        Assert.Equal(50, _model.History.CountOf(new JobFacts(JobKind.Image, null, null), HistoryLevel.Kind));
        Assert.Equal(20, _model.ExpectedRunSeconds(new JobFacts(JobKind.Video, "wf-1", "gpu-1")));
    }
}
