using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Notifications;

namespace AnimeProgress.Tests.Core.Notifications;

/// <summary>Each detected event: when it begins, its deterministic id, and what clears it.</summary>
public sealed class ConditionDetectorTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, OpenCondition> None = [];
    private readonly ConditionDetector _detector = new(new NotificationOptions { OfflineAfter = TimeSpan.FromSeconds(30), OverdueFactor = 1.5, VramNearlyFull = 0.95 }, new History(600));

    [Fact]
    public void A_stalled_job_raises_job_stalled_once_and_clears_when_it_moves_on()
    {
        var job = Running(1) with { Stalled = true, Percent = 41.5 };
        var began = Assert.Single(_detector.Evaluate([job], [], None, Now).Began);
        Assert.Equal(NotificationEventTypes.JobStalled, began.Event.Type);
        Assert.Equal("job.stalled:job:1:20261207T030000Z", began.Event.Id);
        Assert.Equal("No sign of life at 41.5 %.", began.Event.Detail);

        var open = Open(began);
        Assert.Empty(_detector.Evaluate([job], [], open, Now.AddSeconds(5)).Began);
        // Not stalled any more but still at the same percent (e.g. after a restart): not cleared on no evidence.
        Assert.Empty(_detector.Evaluate([job with { Stalled = false }], [], open, Now).Cleared);
        Assert.Equal([began.Key], _detector.Evaluate([job with { Stalled = false, Percent = 50 }], [], open, Now).Cleared);
        Assert.Equal([began.Key], _detector.Evaluate([job with { Status = JobStatus.Completed }], [], open, Now).Cleared);
    }

    [Fact]
    public void A_job_running_past_one_and_a_half_times_its_expected_time_is_overdue_with_its_start_in_the_id()
    {
        var started = Now.AddSeconds(-899);
        Assert.DoesNotContain(_detector.Evaluate([Running(2) with { StartedAt = started }], [], None, Now).Began, c => c.Event.Type == NotificationEventTypes.JobOverdue);

        var late = Running(2) with { StartedAt = Now.AddSeconds(-901) };
        var began = Assert.Single(_detector.Evaluate([late], [], None, Now).Began);
        Assert.Equal("job.overdue:job:2:20261207T024459Z", began.Event.Id);
        Assert.Contains("about 10m 0s", began.Event.Detail);
    }

    [Fact]
    public void The_queue_is_empty_once_every_job_finished_named_by_the_last_finish()
    {
        var last = Finished(3, Now.AddSeconds(-10));
        var changes = _detector.Evaluate([Finished(4, Now.AddMinutes(-5)), last], [], None, Now);
        var began = Assert.Single(changes.Began);
        Assert.Equal("queue.empty:fleet:20261207T025950Z", began.Event.Id);

        // Another node, or this one after a restart, names the same occurrence alike.
        Assert.Equal(began.Event.Id, _detector.Evaluate([last, Finished(4, Now.AddMinutes(-5))], [], None, Now.AddMinutes(3)).Began.Single().Event.Id);
        Assert.Equal([began.Key], _detector.Evaluate([last, Running(5)], [], Open(began), Now).Cleared);
        Assert.Empty(_detector.Evaluate([], [], None, Now).Began);
    }

    [Fact]
    public void An_instance_offline_longer_than_the_grace_is_reported_and_its_return_too()
    {
        var since = Now.AddSeconds(-20);
        var offline = Instance("gpu-1", online: false, since);
        Assert.Empty(_detector.Evaluate([], [offline], None, Now).Began);

        var began = Assert.Single(_detector.Evaluate([], [offline], None, Now.AddSeconds(15)).Began);
        Assert.Equal("instance.offline:instance:gpu-1:20261207T025940Z", began.Event.Id);

        var back = _detector.Evaluate([], [Instance("gpu-1", online: true, Now.AddMinutes(1))], Open(began), Now.AddMinutes(1));
        Assert.Equal([began.Key], back.Cleared);
        var online = Assert.Single(back.Events);
        Assert.Equal("instance.online:instance:gpu-1:20261207T030100Z", online.Id);
        // Back online without an offline report raises nothing.
        Assert.Empty(_detector.Evaluate([], [Instance("gpu-1", online: true, Now)], None, Now).Events);
    }

    [Fact]
    public void Vram_nearly_full_is_reported_once_and_clears_below_the_threshold_with_a_margin()
    {
        var full = Instance("gpu-2", online: true, Now.AddHours(-1)) with { Devices = [new DeviceStats("cuda:0", "cuda", 24_000, 800)] };
        var began = Assert.Single(_detector.Evaluate([], [full], None, Now).Began);
        Assert.Equal(NotificationEventTypes.InstanceVramHigh, began.Event.Type);

        var slightly = full with { Devices = [new DeviceStats("cuda:0", "cuda", 24_000, 1_800)] };
        Assert.Empty(_detector.Evaluate([], [slightly], Open(began), Now).Cleared);
        var freed = full with { Devices = [new DeviceStats("cuda:0", "cuda", 24_000, 12_000)] };
        Assert.Equal([began.Key], _detector.Evaluate([], [freed], Open(began), Now).Cleared);
    }

    private static Dictionary<string, OpenCondition> Open(DetectedCondition condition) =>
        new() { [condition.Key] = new OpenCondition(condition.Key, condition.Event.Id, condition.Mark) };

    private static JobSnapshot Running(long id) => new()
    {
        Id = id,
        Title = $"Shot {id}",
        Status = JobStatus.Running,
        StartedAt = Now.AddMinutes(-1),
        UpdatedAt = Now,
        Instance = "gpu-1",
        WorkflowKey = "wf",
    };

    private static JobSnapshot Finished(long id, DateTimeOffset at) => Running(id) with { Status = JobStatus.Completed, FinishedAt = at };

    private static InstanceStatus Instance(string name, bool online, DateTimeOffset since) =>
        new() { Name = name, BaseUrl = new Uri("http://127.0.0.1:8188"), Online = online, Since = since };

    /// <summary>History that expects every run to take the given time.</summary>
    private sealed class History(double seconds) : IEtaModel
    {
        public IJobEstimator Start(JobFacts facts, DateTimeOffset runStartedAt) => throw new NotSupportedException();

        public void RecordFinished(JobFacts facts, TimeSpan runDuration, IReadOnlyDictionary<Stage, TimeSpan> stageDurations, bool succeeded)
        {
        }

        public double? ExpectedRunSeconds(JobFacts facts) => seconds;
    }
}
