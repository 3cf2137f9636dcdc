using System.Text.Json.Nodes;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.Tracking;

/// <summary>The cap on jobs followed per instance: prompts beyond it are counted and listed, and promoted in queue order.</summary>
public sealed class ActiveJobCapTests
{
    private const string Instance = "gpu-1";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
    private readonly ProgressHub _hub;
    private readonly ProgressTracker _tracker;

    public ActiveJobCapTests()
    {
        _hub = new ProgressHub(_time);
        _tracker = TrackerHarness.NewTracker(_hub, _time, new TrackerOptions { MaxActiveJobsPerInstance = 50 });
        _tracker.Apply(new InstanceConnected(Instance, new Uri("http://gpu-1:8188")));
    }

    internal static string Prompt(int i) => $"prompt-{i:D4}";

    internal static QueueItem Item(int i) => new(
        i, Prompt(i), Graphs.Txt2Img(steps: 20 + (i % 3)), new JsonObject { ["client_id"] = "batch-script" }, ["9"]);

    /// <summary>The queue after the first <paramref name="done"/> prompts of <paramref name="total"/> ran: the next one runs.</summary>
    internal static QueueState Queue(int total, int done = 0) =>
        new([Item(done)], [.. Enumerable.Range(done + 1, total - done - 1).Select(Item)]);

    private void Reconcile(QueueState queue, Dictionary<string, HistoryEntry?>? history = null) =>
        _tracker.Apply(new InstanceReconciled(Instance, queue, history ?? [], _time.GetUtcNow(), "animeprogress"));

    private List<string> FollowedPrompts() =>
        [.. _hub.Jobs.Where(j => j.Status.IsActive()).OrderBy(j => j.QueuePosition ?? 0).Select(j => j.PromptId!)];

    private InstanceStatus Status() => _hub.Instances.Single(i => i.Name == Instance);

    [Fact]
    public void Of_500_queued_prompts_50_are_followed_and_450_counted_and_listed_in_queue_order()
    {
        Reconcile(Queue(500));

        Assert.Equal(50, _hub.Jobs.Count);
        Assert.Equal(Enumerable.Range(0, 50).Select(Prompt), FollowedPrompts());
        Assert.Equal(450, Status().UntrackedQueued);
        Assert.Equal(500, Status().QueueRemaining);
        var untracked = _tracker.UntrackedQueue(Instance);
        Assert.Equal(Enumerable.Range(50, 450).Select(Prompt), untracked.Select(u => u.PromptId));
        Assert.Equal(Enumerable.Range(50, 450), untracked.Select(u => u.Position));
        Assert.All(untracked, u => Assert.Equal(JobSource.External, u.Source));
    }

    [Fact]
    public void When_followed_jobs_finish_the_earliest_waiting_prompts_are_promoted_in_queue_order()
    {
        Reconcile(Queue(500));

        // The first ten ran and succeeded; the next queue read shows 490 prompts.
        var history = Enumerable.Range(0, 10).ToDictionary(
            Prompt, i => (HistoryEntry?)new HistoryEntry(Prompt(i), HistoryOutcome.Success, null, null, _time.GetUtcNow(), _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromMinutes(1));
        Reconcile(Queue(500, done: 10), history);

        Assert.Equal(Enumerable.Range(10, 50).Select(Prompt), FollowedPrompts());
        Assert.Equal(10, _hub.Jobs.Count(j => j.Status == JobStatus.Completed));
        Assert.Equal(440, Status().UntrackedQueued);
        Assert.Equal(Prompt(60), _tracker.UntrackedQueue(Instance)[0].PromptId);
        // A promoted prompt is a job with its queue position like any other.
        Assert.Equal(49, _hub.Jobs.Single(j => j.PromptId == Prompt(59)).QueuePosition);
    }

    [Fact]
    public void Nothing_is_counted_once_the_queue_fits_under_the_cap()
    {
        Reconcile(Queue(60));
        Assert.Equal(10, Status().UntrackedQueued);

        Reconcile(Queue(60, done: 20), Enumerable.Range(0, 20).ToDictionary(
            Prompt, i => (HistoryEntry?)new HistoryEntry(Prompt(i), HistoryOutcome.Success, null, null, _time.GetUtcNow(), _time.GetUtcNow())));

        Assert.Equal(0, Status().UntrackedQueued);
        Assert.Empty(_tracker.UntrackedQueue(Instance));
        Assert.Equal(40, _hub.Jobs.Count(j => j.Status.IsActive()));
    }

    [Fact]
    public void Jobs_AnimeProgress_submits_are_followed_even_beyond_the_cap()
    {
        Reconcile(Queue(50));
        _tracker.Apply(new RegisterJob(10_000, new JobRegistration("Own job", JobKind.Image, Instance, "own-prompt", Graphs.Txt2Img(), null)));

        Assert.Equal(51, _hub.Jobs.Count(j => j.Status.IsActive()));
        Assert.Equal(JobStatus.Queued, _hub.Find(10_000)!.Status);
    }
}
