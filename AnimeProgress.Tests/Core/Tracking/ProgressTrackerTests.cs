using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Tests.Support;

namespace AnimeProgress.Tests.Core.Tracking;

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

public sealed class ForeignJobTrackingTests
{
    private readonly TrackerHarness _h = new();

    private static QueueItem Item(string promptId, string? clientId, double number = 1)
    {
        var extra = clientId is null ? new System.Text.Json.Nodes.JsonObject() : new System.Text.Json.Nodes.JsonObject { ["client_id"] = clientId };
        return new QueueItem(number, promptId, Graphs.Txt2Img(steps: 10), extra, ["9"]);
    }

    private void Reconcile(QueueState queue, Dictionary<string, HistoryEntry?>? history = null) =>
        _h.Tracker.Apply(new InstanceReconciled(TrackerHarness.Instance, queue, history ?? [], _h.Time.GetUtcNow(), "animeprogress-me"));

    private JobSnapshot ByPrompt(string promptId) => _h.Hub.Jobs.Single(j => j.PromptId == promptId);

    [Fact]
    public void Prompts_other_programs_queued_appear_as_jobs_of_their_instance_labelled_by_source()
    {
        Reconcile(new QueueState([Item("webui", "browser-123")], [Item("script", null, 2)]));

        var external = ByPrompt("webui");
        var broadcast = ByPrompt("script");
        Assert.Equal((JobStatus.Running, JobSource.External, false), (external.Status, external.Source, external.HasStepDetail));
        Assert.Equal((JobStatus.Queued, JobSource.Broadcast, true, 1), (broadcast.Status, broadcast.Source, broadcast.HasStepDetail, broadcast.QueuePosition));
        Assert.Equal(TrackerHarness.Instance, external.Instance);
    }

    [Fact]
    public void A_job_with_its_own_client_id_never_gets_an_invented_percent()
    {
        Reconcile(new QueueState([Item("webui", "browser-123")], []));
        _h.Time.Advance(TimeSpan.FromSeconds(30));
        _h.Tracker.Apply(new ClockTick());

        var job = ByPrompt("webui");
        Assert.Equal(0, job.Percent);
        Assert.Null(job.EtaSeconds);
        Assert.Equal(TimeSpan.FromSeconds(30), job.Elapsed(job.UpdatedAt));
    }

    [Fact]
    public void Broadcast_progress_of_a_prompt_without_client_id_moves_its_percent()
    {
        Reconcile(new QueueState([Item("script", null)], []));
        _h.Send(new ProgressStateEvent("script", [new NodeProgress("3", 5, 10, false)]));

        Assert.True(ByPrompt("script").Percent > 0);
    }

    [Fact]
    public void A_foreign_job_gets_its_outcome_from_history_when_it_leaves_the_queue()
    {
        Reconcile(new QueueState([Item("webui", "browser-123")], []));
        Reconcile(QueueState.Empty, new() { ["webui"] = new("webui", HistoryOutcome.Error, "bad input", "ImageBlur", null, null) });

        var job = ByPrompt("webui");
        Assert.Equal((JobStatus.Failed, "ImageBlur: bad input"), (job.Status, job.Error));
    }

    [Fact]
    public void A_running_job_without_signs_of_life_is_flagged_stalled_and_recovers_on_the_next_event()
    {
        var id = _h.Submit();
        _h.Send(new ExecutionStartEvent("p1", null));
        _h.Time.Advance(TimeSpan.FromMinutes(3));
        _h.Tracker.Apply(new ClockTick());
        Assert.True(_h.Job(id).Stalled);

        _h.Send(new ProgressEvent("p1", "3", 1, 10));
        Assert.False(_h.Job(id).Stalled);
    }

    [Fact]
    public void Previews_are_kept_per_job_and_refresh_the_snapshot_at_most_once_a_second()
    {
        var id = _h.Submit();
        _h.Send(new ExecutionStartEvent("p1", null));
        _h.Send(new PreviewEvent(null, null, "image/jpeg", new byte[] { 1, 2, 3 }));
        var first = _h.Job(id).PreviewVersion;
        _h.Send(new PreviewEvent("p1", "3", "image/jpeg", new byte[] { 4, 5 }));

        Assert.Equal(first, _h.Job(id).PreviewVersion);
        Assert.Equal([4, 5], _h.Previews.Get(id)!.Bytes.ToArray());
        _h.Send(new PreviewEvent("p1", "3", "image/jpeg", new byte[] { 6 }), TimeSpan.FromSeconds(1));
        Assert.Equal(first + 1, _h.Job(id).PreviewVersion);

        _h.Send(new ExecutionSuccessEvent("p1", null));
        Assert.Null(_h.Previews.Get(id));
    }
}

public sealed class QueuedEtaTests
{
    [Fact]
    public void A_queued_job_is_given_a_finish_estimate_from_the_work_ahead_and_its_own_expected_run()
    {
        var h = new TrackerHarness();
        // History: one finished run of this workflow took 40 s.
        var first = h.Submit("h1", steps: 20);
        h.Send(new ExecutionStartEvent("h1", null));
        for (var step = 1; step <= 20; step++)
        {
            h.Send(new ProgressEvent("h1", "3", step, 20), TimeSpan.FromSeconds(2));
        }

        h.Send(new ExecutionSuccessEvent("h1", null));
        Assert.Equal(JobStatus.Completed, h.Job(first).Status);

        var second = h.Submit("q1", steps: 20);
        var third = h.Submit("q2", steps: 20);
        h.Tracker.Apply(new InstanceReconciled(
            TrackerHarness.Instance,
            new QueueState([], [new QueueItem(1, "q1", null, null, []), new QueueItem(2, "q2", null, null, [])]),
            new Dictionary<string, HistoryEntry?>(),
            h.Time.GetUtcNow()));
        for (var i = 0; i < 5; i++)
        {
            h.Tracker.Apply(new ClockTick());
        }

        var next = h.Job(second).EtaSeconds;
        var after = h.Job(third).EtaSeconds;
        Assert.NotNull(next);
        Assert.InRange(next!.Value, 30, 50);
        Assert.InRange(after!.Value, 2 * next.Value - 1, 2 * next.Value + 1);
        Assert.Equal(0, h.Job(second).Percent);
    }
}
