using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Previews;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.Tracking;

/// <summary>Routing ComfyUI events to jobs: by prompt id, else the prompt the instance runs; unknown prompts change nothing.</summary>
public sealed class EventFolderTests
{
    private const string Instance = "gpu-1";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
    private readonly JobTable _table = new();
    private readonly ProgressHub _hub;
    private readonly EventFolder _folder;

    public EventFolderTests()
    {
        _hub = new ProgressHub(_time);
        var eta = new StageAwareEtaModel();
        var transitions = new JobTransitions(new StageMap(), eta, new PreviewStore(), new TrackerOptions());
        var publisher = new JobPublisher(_hub, new SnapshotDeriver(eta), _time);
        _folder = new EventFolder(_table, new InstanceRegistry(_hub, _time), transitions, publisher, _time);
    }

    private TrackedJob Add(long id, string promptId)
    {
        var snapshot = new JobSnapshot
        {
            Id = id, Title = "t", Kind = JobKind.Image, Status = JobStatus.Queued, Stage = Stage.Queued,
            CreatedAt = _time.GetUtcNow(), UpdatedAt = _time.GetUtcNow(), Instance = Instance, PromptId = promptId, Version = 1,
        };
        var job = new TrackedJob(snapshot, WorkflowGraph.Parse(Graphs.Txt2Img(20)));
        _table.Put(job);
        return job;
    }

    [Fact]
    public void Events_without_a_prompt_id_go_to_the_prompt_the_instance_runs()
    {
        Add(1, "p1");
        Add(2, "p2");

        _folder.Fold(Instance, new ExecutionStartEvent("p2", null));
        _folder.Fold(Instance, new ExecutingEvent(null, "3"));
        _folder.Fold(Instance, new ProgressEvent(null, "3", 10, 20));

        Assert.Null(_hub.Find(1));
        var running = _hub.Find(2)!;
        Assert.Equal((JobStatus.Running, Stage.Rendering), (running.Status, running.Stage));
        Assert.True(running.Percent > 0);
        Assert.Equal("p2", _table.RunningPrompt(Instance));
    }

    [Fact]
    public void The_end_of_execution_clears_the_running_prompt_only_for_that_prompt()
    {
        Add(1, "p1");
        _folder.Fold(Instance, new ExecutionStartEvent("p1", null));

        _folder.Fold(Instance, new ExecutingEvent("other", null));
        Assert.Equal("p1", _table.RunningPrompt(Instance));
        _folder.Fold(Instance, new ExecutingEvent("p1", null));
        Assert.Null(_table.RunningPrompt(Instance));
    }

    [Fact]
    public void Any_event_about_a_stalled_job_revives_it()
    {
        var job = Add(1, "p1");
        _folder.Fold(Instance, new ExecutionStartEvent("p1", null));
        job.Snapshot = job.Snapshot with { Stalled = true };

        _time.Advance(TimeSpan.FromMinutes(5));
        _folder.Fold(Instance, new ProgressEvent("p1", "3", 1, 20));

        Assert.False(_hub.Find(1)!.Stalled);
        Assert.Equal(_time.GetUtcNow(), job.LastSignAt);
    }

    [Fact]
    public void An_event_about_an_unknown_prompt_changes_and_publishes_nothing()
    {
        Add(1, "p1");

        _folder.Fold(Instance, new ExecutionSuccessEvent("nobody-knows", null));

        Assert.Null(_hub.Find(1));
        Assert.Equal(JobStatus.Queued, _table.FindByPrompt("p1")!.Snapshot.Status);
    }

    [Fact]
    public void The_running_nodes_activity_is_kept_on_the_job_when_sent_and_cleared_when_it_is_not()
    {
        Add(1, "p1");

        _folder.Fold(Instance, new ExecutionStartEvent("p1", null));
        _folder.Fold(Instance, new ExecutingEvent("p1", "3"));
        _folder.Fold(Instance, new ProgressStateEvent("p1", [new NodeProgress("1", 1, 1, true, "running"), new NodeProgress("3", 0, 20, false, "loading")]));
        Assert.Equal("loading", _hub.Find(1)!.Activity);

        // Servers without the proposal send none: nothing is invented, and progress goes on as before.
        _folder.Fold(Instance, new ProgressStateEvent("p1", [new NodeProgress("1", 1, 1, true), new NodeProgress("3", 10, 20, false)]));
        var job = _hub.Find(1)!;
        Assert.Null(job.Activity);
        Assert.True(job.Percent > 0);

        _folder.Fold(Instance, new ProgressStateEvent("p1", [new NodeProgress("3", 12, 20, false, "loading")]));
        _folder.Fold(Instance, new ExecutionSuccessEvent("p1", null));
        Assert.Null(_hub.Find(1)!.Activity);
    }
}
