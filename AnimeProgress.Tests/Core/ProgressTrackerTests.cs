using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Tests.Support;

namespace AnimeProgress.Tests.Core;

public sealed class ProgressTrackerTests
{
    private readonly TrackerHarness _h = new();

    [Fact]
    public void A_submitted_job_is_queued_until_ComfyUI_starts_it()
    {
        var id = _h.Submit();

        var job = _h.Job(id);
        Assert.Equal((JobStatus.Queued, Stage.Queued, 0.0), (job.Status, job.Stage, job.Percent));
        Assert.Equal("—", job.EtaText);
    }

    [Fact]
    public void Folds_a_whole_lifecycle_into_stages_percent_and_completion()
    {
        var id = _h.Submit(steps: 20);
        _h.Send(new ExecutionStartEvent("p1", null));
        Assert.Equal((JobStatus.Running, Stage.Initializing), (_h.Job(id).Status, _h.Job(id).Stage));

        _h.Send(new ExecutionCachedEvent("p1", []));
        _h.Send(new ExecutingEvent("p1", "4"), TimeSpan.FromSeconds(1));
        Assert.Equal(Stage.Initializing, _h.Job(id).Stage);
        _h.Send(new ExecutingEvent("p1", "6"), TimeSpan.FromSeconds(1));
        Assert.Equal(Stage.Processing, _h.Job(id).Stage);
        _h.Send(new ExecutingEvent("p1", "7"));
        _h.Send(new ExecutingEvent("p1", "5"));
        _h.Send(new ExecutingEvent("p1", "3"));
        Assert.Equal(Stage.Rendering, _h.Job(id).Stage);
        var beforeSteps = _h.Job(id).Percent;
        for (var step = 1; step <= 20; step++)
        {
            _h.Send(new ProgressEvent("p1", "3", step, 20), TimeSpan.FromMilliseconds(500));
        }

        Assert.True(_h.Job(id).Percent > beforeSteps);
        _h.Send(new ExecutingEvent("p1", "8"));
        Assert.Equal(Stage.PostProcessing, _h.Job(id).Stage);
        _h.Send(new ExecutingEvent("p1", "9"));
        Assert.Equal(Stage.Finalizing, _h.Job(id).Stage);
        Assert.True(_h.Job(id).Percent < 100);
        Assert.NotNull(_h.Job(id).RatePercentPerMinute);
        Assert.NotNull(_h.Job(id).EtaSeconds);

        _h.Send(new ExecutedEvent("p1", "9", null));
        _h.Send(new ExecutionSuccessEvent("p1", null));
        _h.Send(new ExecutingEvent("p1", null));

        var done = _h.Job(id);
        Assert.Equal((JobStatus.Completed, Stage.Completed, 100.0, 0.0), (done.Status, done.Stage, done.Percent, done.EtaSeconds));
        Assert.NotNull(done.FinishedAt);
    }

    [Fact]
    public void Percent_never_goes_backwards_across_events()
    {
        var id = _h.Submit();
        _h.Send(new ExecutionStartEvent("p1", null));
        _h.Send(new ExecutingEvent("p1", "3"));
        _h.Send(new ProgressEvent("p1", "3", 15, 20));
        var high = _h.Job(id).Percent;
        _h.Send(new ProgressStateEvent("p1", [new NodeProgress("3", 3, 20, false)]));
        _h.Send(new ProgressEvent("p1", "3", 1, 20));

        Assert.Equal(high, _h.Job(id).Percent);
    }

    [Fact]
    public void Progress_state_marks_finished_nodes_done()
    {
        var id = _h.Submit();
        _h.Send(new ExecutionStartEvent("p1", null));
        _h.Send(new ProgressStateEvent("p1", [new NodeProgress("4", 1, 1, true), new NodeProgress("6", 1, 1, true), new NodeProgress("7", 0, 1, false)]));

        Assert.Equal(Math.Round(100.0 * 4 / 32, 1), _h.Job(id).Percent);
    }

    [Fact]
    public void An_error_fails_the_job_with_the_node_and_message()
    {
        var id = _h.Submit();
        _h.Send(new ExecutionStartEvent("p1", null));
        _h.Send(new ExecutionErrorEvent("p1", "8", "VAEDecode", "RuntimeError", "CUDA out of memory\n", null));

        var job = _h.Job(id);
        Assert.Equal((JobStatus.Failed, Stage.Failed), (job.Status, job.Stage));
        Assert.Equal("VAEDecode: CUDA out of memory", job.Error);
    }

    [Fact]
    public void An_interrupt_cancels_the_job()
    {
        var id = _h.Submit();
        _h.Send(new ExecutionStartEvent("p1", null));
        _h.Send(new ExecutionInterruptedEvent("p1", "3", "KSampler", null));

        Assert.Equal((JobStatus.Cancelled, Stage.Cancelled), (_h.Job(id).Status, _h.Job(id).Stage));
    }

    [Fact]
    public void Video_frames_are_derived_from_progress_and_marked_estimated()
    {
        var id = _h.Submit(kind: JobKind.Video, frames: 120);
        _h.Send(new ExecutionStartEvent("p1", null));
        _h.Send(new ExecutionCachedEvent("p1", ["4", "6", "7", "5"]));
        _h.Send(new ProgressEvent("p1", "3", 10, 20));

        var job = _h.Job(id);
        Assert.Equal(120, job.FramesTotal);
        Assert.True(job.FramesEstimated);
        Assert.Equal((int)Math.Floor(120 * job.Percent / 100), job.FramesDone);
    }

    [Fact]
    public void A_per_frame_progress_bar_reports_frames_exactly()
    {
        var id = _h.Submit(kind: JobKind.Video, frames: 120);
        _h.Send(new ExecutionStartEvent("p1", null));
        _h.Send(new ExecutingEvent("p1", "9"));
        _h.Send(new ProgressEvent("p1", "9", 78, 120));

        var job = _h.Job(id);
        Assert.Equal((78, false), (job.FramesDone, job.FramesEstimated));
        _h.Send(new ExecutionSuccessEvent("p1", null));
        Assert.Equal((120, false), (_h.Job(id).FramesDone, _h.Job(id).FramesEstimated));
    }

    [Fact]
    public void Events_for_the_running_prompt_without_a_prompt_id_reach_it()
    {
        var id = _h.Submit();
        _h.Send(new ExecutionStartEvent("p1", null));
        _h.Send(new ExecutingEvent(null, "3"));

        Assert.Equal(Stage.Rendering, _h.Job(id).Stage);
    }

    [Fact]
    public void Events_for_unknown_prompts_change_nothing()
    {
        var id = _h.Submit();
        var before = _h.Job(id);
        _h.Send(new ExecutionStartEvent("someone-else", null));
        _h.Send(new ExecutionSuccessEvent("someone-else", null));

        Assert.Same(before, _h.Job(id));
    }

    [Fact]
    public void Reconcile_gives_a_job_that_finished_during_an_outage_its_true_outcome()
    {
        var ok = _h.Submit("ok");
        var failed = _h.Submit("bad");
        var interrupted = _h.Submit("int");
        var deleted = _h.Submit("gone");
        var lost = _h.Submit("lost");
        var pending = _h.Submit("waiting");
        foreach (var p in new[] { "ok", "bad", "int", "lost" })
        {
            _h.Send(new ExecutionStartEvent(p, null));
        }

        _h.Tracker.Apply(new InstanceReconciled(
            TrackerHarness.Instance,
            new QueueState([], [new QueueItem(7, "waiting", null, null, [])]),
            new Dictionary<string, HistoryEntry?>
            {
                ["ok"] = new("ok", HistoryOutcome.Success, null, null, null, null),
                ["bad"] = new("bad", HistoryOutcome.Error, "boom", "VAEDecode", null, null),
                ["int"] = new("int", HistoryOutcome.Interrupted, null, null, null, null),
                ["gone"] = null,
                ["lost"] = null,
            },
            _h.Time.GetUtcNow()));

        Assert.Equal(JobStatus.Completed, _h.Job(ok).Status);
        Assert.Equal((JobStatus.Failed, "VAEDecode: boom"), (_h.Job(failed).Status, _h.Job(failed).Error));
        Assert.Equal(JobStatus.Cancelled, _h.Job(interrupted).Status);
        Assert.Equal(JobStatus.Cancelled, _h.Job(deleted).Status);
        Assert.Equal(JobStatus.Failed, _h.Job(lost).Status);
        Assert.Equal((JobStatus.Queued, 1), (_h.Job(pending).Status, _h.Job(pending).QueuePosition));
    }

    [Fact]
    public void A_job_accepted_after_the_queue_was_read_is_not_declared_lost()
    {
        var asOf = _h.Time.GetUtcNow();
        _h.Time.Advance(TimeSpan.FromMilliseconds(5));
        var id = _h.Submit("fresh");

        _h.Tracker.Apply(new InstanceReconciled(TrackerHarness.Instance, QueueState.Empty, new Dictionary<string, HistoryEntry?> { ["fresh"] = null }, asOf));

        Assert.Equal(JobStatus.Queued, _h.Job(id).Status);
    }

    [Fact]
    public void The_clock_tick_refreshes_elapsed_and_eta_of_running_jobs()
    {
        var id = _h.Submit();
        _h.Send(new ExecutionStartEvent("p1", null));
        _h.Send(new ProgressEvent("p1", "3", 10, 20), TimeSpan.FromSeconds(10));
        var before = _h.Job(id);
        _h.Time.Advance(TimeSpan.FromSeconds(1));
        _h.Tracker.Apply(new ClockTick());

        var after = _h.Job(id);
        Assert.True(after.Version > before.Version);
        Assert.Equal(TimeSpan.FromSeconds(11), after.Elapsed(after.UpdatedAt));
    }

    [Fact]
    public void Instance_connection_state_is_published()
    {
        var url = new Uri("http://127.0.0.1:8188/");
        _h.Tracker.Apply(new InstanceConnected(TrackerHarness.Instance, url));
        Assert.True(_h.Hub.Instances.Single().Online);

        _h.Tracker.Apply(new InstanceDisconnected(TrackerHarness.Instance, url, "refused", 3, null));
        var status = _h.Hub.Instances.Single();
        Assert.Equal((false, "refused", 3), (status.Online, status.LastError, status.ReconnectAttempt));
    }
}
