using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Components.Jobs;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Web.Components.Jobs;

/// <summary>The dashboard's decisions, without rendering: when to reorder, replace, or not render at all.</summary>
public sealed class DashboardStateTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
    private readonly ProgressHub _hub = new(TimeProvider.System);

    private JobSnapshot Publish(long id, JobStatus status, long version = 1, double percent = 0)
    {
        var job = new JobSnapshot { Id = id, Title = $"Job {id}", Status = status, Percent = percent, Version = version, UpdatedAt = _time.GetUtcNow() };
        _hub.Publish(job);
        return job;
    }

    private DashboardState Opened()
    {
        var state = new DashboardState(_hub, _time, recentFinished: 10);
        state.Refresh();
        return state;
    }

    [Fact]
    public void A_newer_snapshot_of_a_shown_job_replaces_it_in_place()
    {
        Publish(1, JobStatus.Running);
        Publish(2, JobStatus.Queued);
        var state = Opened();
        var list = state.Visible;

        var newer = Publish(1, JobStatus.Running, version: 2, percent: 50);

        Assert.True(state.Apply(new HubBatch([newer], [])));
        Assert.Same(list, state.Visible);
        Assert.Same(newer, state.Visible[0]);
    }

    [Fact]
    public void An_older_copy_changes_nothing_and_asks_for_no_render()
    {
        Publish(1, JobStatus.Running, version: 5);
        var state = Opened();

        Assert.False(state.Apply(new HubBatch([Publish(1, JobStatus.Running, version: 3)], [])));
    }

    [Fact]
    public void A_new_job_or_a_change_of_group_reorders_and_recounts()
    {
        Publish(1, JobStatus.Running);
        var state = Opened();

        var second = Publish(2, JobStatus.Running);
        Assert.True(state.Apply(new HubBatch([second], [])));
        Assert.Equal([1L, 2L], state.Visible.Select(j => j.Id));
        Assert.Equal(2, state.Counts.Running);

        var done = Publish(1, JobStatus.Completed, version: 2);
        Assert.True(state.Apply(new HubBatch([done], [])));
        Assert.Equal([2L, 1L], state.Visible.Select(j => j.Id));
    }

    [Fact]
    public void A_vram_reading_alone_does_not_render_but_a_change_of_queue_does()
    {
        InstanceStatus Gpu(int queue, long free) => new()
        {
            Name = "gpu-1",
            BaseUrl = new Uri("http://gpu-1:8188/"),
            Online = true,
            QueueRemaining = queue,
            Devices = [new DeviceStats("cuda:0", "cuda", 100, free)],
        };
        _hub.Publish(Gpu(queue: 1, free: 50));
        var state = Opened();

        var vram = Gpu(queue: 1, free: 49);
        _hub.Publish(vram);
        Assert.False(state.Apply(new HubBatch([], [vram])));

        var queue = Gpu(queue: 2, free: 49);
        _hub.Publish(queue);
        Assert.True(state.Apply(new HubBatch([], [queue])));
        Assert.Equal(2, state.Instances[0].QueueRemaining);
    }

    [Fact]
    public void My_jobs_lists_only_my_submissions_while_the_counters_stay_the_fleets()
    {
        _hub.Publish(new JobSnapshot { Id = 1, Title = "mine", Status = JobStatus.Running, Version = 1, SubmittedBy = "mika" });
        _hub.Publish(new JobSnapshot { Id = 2, Title = "theirs", Status = JobStatus.Running, Version = 1, SubmittedBy = "sora" });
        _hub.Publish(new JobSnapshot { Id = 3, Title = "studio api", Status = JobStatus.Queued, Version = 1 });
        var state = new DashboardState(_hub, _time, recentFinished: 10) { SubmittedBy = "mika" };
        state.Refresh();

        Assert.Equal([1L], state.Visible.Select(j => j.Id));
        Assert.Equal(2, state.Counts.Running);

        // Someone else's progress asks for no render; their new job or change of group recounts but lists nothing new.
        var theirs = new JobSnapshot { Id = 2, Title = "theirs", Status = JobStatus.Running, Version = 2, Percent = 40, SubmittedBy = "sora" };
        _hub.Publish(theirs);
        Assert.False(state.Apply(new HubBatch([theirs], [])));
        var finished = theirs with { Status = JobStatus.Completed, Version = 3, FinishedAt = _time.GetUtcNow() };
        _hub.Publish(finished);
        Assert.True(state.Apply(new HubBatch([finished], [])));
        Assert.Equal([1L], state.Visible.Select(j => j.Id));
        Assert.Equal(1, state.Counts.Running);

        state.SubmittedBy = null;
        state.Refresh();
        Assert.Equal([1L, 2L, 3L], state.Visible.Select(j => j.Id).Order());
    }
}
