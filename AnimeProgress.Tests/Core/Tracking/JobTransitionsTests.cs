using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Previews;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Tests.Support;

namespace AnimeProgress.Tests.Core.Tracking;

/// <summary>The tracker's per-job state changes, driven alone with explicit times (no hub, no channel, no clock).</summary>
public sealed class JobTransitionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private readonly PreviewStore _previews = new();
    private readonly JobTransitions _transitions;

    public JobTransitionsTests() =>
        _transitions = new JobTransitions(new StageMap(), new StageAwareEtaModel(), _previews, new TrackerOptions());

    private static TrackedJob NewJob(int? frames = null)
    {
        var graph = frames is null ? Graphs.Txt2Img(20) : Graphs.Txt2Img(20, "EmptyHunyuanLatentVideo", frames);
        var snapshot = new JobSnapshot
        {
            Id = 1, Title = "t", Kind = frames is null ? JobKind.Image : JobKind.Video, Status = JobStatus.Queued, Stage = Stage.Queued,
            CreatedAt = T0, UpdatedAt = T0, Instance = "gpu-1", PromptId = "p1", FramesTotal = frames, QueuePosition = 2, Version = 1,
        };
        return new TrackedJob(snapshot, WorkflowGraph.Parse(graph));
    }

    [Fact]
    public void Starting_a_queued_job_makes_it_running_once()
    {
        var job = NewJob();

        _transitions.MarkStarted(job, T0.AddSeconds(3));
        var started = job.Snapshot;
        _transitions.MarkStarted(job, T0.AddSeconds(9));

        Assert.Equal((JobStatus.Running, Stage.Initializing, T0.AddSeconds(3), (int?)null), (started.Status, started.Stage, started.StartedAt, started.QueuePosition));
        Assert.Equal(T0.AddSeconds(3), job.AcceptedAt);
        Assert.NotNull(job.Estimator);
        Assert.Same(started, job.Snapshot);
    }

    [Fact]
    public void A_node_starting_sets_its_stage_and_finishes_the_previous_node()
    {
        var job = NewJob();

        _transitions.NodeStarted(job, "3", T0);
        Assert.Equal((JobStatus.Running, Stage.Rendering, "KSampler"), (job.Snapshot.Status, job.Snapshot.Stage, job.Snapshot.CurrentNodeType));
        var percentWhileSampling = job.Progress.Percent;

        _transitions.NodeStarted(job, "8", T0.AddSeconds(5));
        Assert.Equal(Stage.PostProcessing, job.Snapshot.Stage);
        Assert.True(job.Progress.Percent > percentWhileSampling, "the sampler counts as finished once the decoder starts");
    }

    [Fact]
    public void A_per_frame_progress_bar_reports_frames_directly()
    {
        var job = NewJob(frames: 48);

        JobTransitions.StepProgress(job, new ProgressEvent("p1", "9", 12, 48));

        Assert.Equal(12, job.ReportedFrames);
    }

    [Fact]
    public void A_job_finishes_once_and_the_first_outcome_stands()
    {
        var job = NewJob();
        _transitions.MarkStarted(job, T0);
        _previews.Put(1, "image/png", new byte[] { 1, 2, 3 }, T0);

        _transitions.Finish(job, JobStatus.Completed, Stage.Completed, null, T0.AddSeconds(30));
        _transitions.Finish(job, JobStatus.Failed, Stage.Failed, "late", T0.AddSeconds(40));

        var done = job.Snapshot;
        Assert.Equal((JobStatus.Completed, Stage.Completed, (string?)null, T0.AddSeconds(30), 0.0), (done.Status, done.Stage, done.Error, done.FinishedAt, done.EtaSeconds));
        Assert.Equal(100, job.Progress.Percent);
        Assert.Null(_previews.Get(1));
    }

    [Fact]
    public void History_decides_the_outcome_of_a_prompt_that_left_the_queue_unseen()
    {
        var job = NewJob();
        var history = new HistoryEntry("p1", HistoryOutcome.Error, "out of memory", "KSampler", T0.AddSeconds(1), T0.AddSeconds(20));

        _transitions.ApplyHistory(job, history, T0.AddMinutes(5));

        var failed = job.Snapshot;
        Assert.Equal((JobStatus.Failed, "KSampler: out of memory", T0.AddSeconds(1), T0.AddSeconds(20)), (failed.Status, failed.Error, failed.StartedAt, failed.FinishedAt));
    }
}
