using System.Text.Json.Nodes;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Tests.Support;

namespace AnimeProgress.Tests.Core.Tracking;

/// <summary>
/// Prompts known only from the history (they ran between two queue reads) become finished jobs with their real
/// outcome and times, exactly once, and never a second copy of a job already followed.
/// </summary>
public sealed class HistoryReconciliationTests
{
    private const string Own = "animeprogress-me";
    private readonly TrackerHarness _h = new();

    private static QueueItem Item(string promptId, string? clientId) => new(
        1, promptId, Graphs.Txt2Img(steps: 10), clientId is null ? new JsonObject() : new JsonObject { ["client_id"] = clientId }, ["9"]);

    private HistoryEntry Entry(string promptId, HistoryOutcome outcome, string? clientId = "script-7", string? error = null) =>
        new(promptId, outcome, error, error is null ? null : "VAEDecode", _h.Time.GetUtcNow().AddSeconds(-3), _h.Time.GetUtcNow().AddSeconds(-1), Item(promptId, clientId));

    private void Reconcile(QueueState queue, IReadOnlyList<HistoryEntry> finished, Dictionary<string, HistoryEntry?>? history = null, bool afterOutage = false) =>
        _h.Tracker.Apply(new InstanceReconciled(TrackerHarness.Instance, queue, history ?? [], _h.Time.GetUtcNow(), Own, finished, afterOutage));

    private List<JobSnapshot> ByPrompt(string promptId) => [.. _h.Hub.Jobs.Where(j => j.PromptId == promptId)];

    [Fact]
    public void Prompts_seen_only_in_the_history_are_adopted_as_finished_jobs_with_their_real_outcome_and_times()
    {
        var ok = Entry("quick", HistoryOutcome.Success);
        Reconcile(QueueState.Empty, [
            ok,
            Entry("broken", HistoryOutcome.Error, error: "decoder exploded"),
            Entry("stopped", HistoryOutcome.Interrupted, clientId: null),
        ]);

        var quick = Assert.Single(ByPrompt("quick"));
        Assert.Equal((JobStatus.Completed, JobSource.External, TrackerHarness.Instance), (quick.Status, quick.Source, quick.Instance));
        Assert.Equal((ok.StartedAt, ok.FinishedAt), (quick.StartedAt, quick.FinishedAt));
        Assert.Equal(100, quick.Percent);
        var broken = Assert.Single(ByPrompt("broken"));
        Assert.Equal((JobStatus.Failed, "VAEDecode: decoder exploded"), (broken.Status, broken.Error));
        var stopped = Assert.Single(ByPrompt("stopped"));
        Assert.Equal((JobStatus.Cancelled, JobSource.Broadcast), (stopped.Status, stopped.Source));
    }

    [Fact]
    public void A_prompt_in_both_the_queue_and_the_later_history_read_is_one_finished_job()
    {
        _h.Tracker.Apply(new InstanceConnected(TrackerHarness.Instance, new Uri("http://127.0.0.1:8188/")));
        Reconcile(new QueueState([Item("racy", "script-7")], []), [Entry("racy", HistoryOutcome.Success)]);

        var job = Assert.Single(ByPrompt("racy"));
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Null(_h.Hub.Instances.Single().RunningPromptId);
    }

    [Fact]
    public void A_job_already_followed_is_not_counted_again_when_its_history_entry_arrives()
    {
        // The harness numbers its submissions itself; discovered jobs take ids from the tracker's source, past them.
        _h.Tracker.SeedIds(1000);
        var own = _h.Submit("mine");
        _h.Send(new ExecutionStartEvent("mine", null));
        _h.Send(new ExecutionSuccessEvent("mine", null));
        Reconcile(new QueueState([Item("theirs", "script-7")], []), []);

        Reconcile(QueueState.Empty, [Entry("mine", HistoryOutcome.Success, Own), Entry("theirs", HistoryOutcome.Error, error: "late")]);

        Assert.Equal(own, Assert.Single(ByPrompt("mine")).Id);
        var theirs = Assert.Single(ByPrompt("theirs"));
        Assert.Equal((JobStatus.Failed, "VAEDecode: late"), (theirs.Status, theirs.Error));
        Assert.Equal(2, _h.Hub.Jobs.Count);
    }

    [Fact]
    public void After_an_outage_a_queued_job_comfyui_no_longer_knows_is_lost_not_cancelled()
    {
        var queued = _h.Submit("waiting");
        var running = _h.Submit("busy");
        _h.Send(new ExecutionStartEvent("busy", null));
        _h.Time.Advance(TimeSpan.FromSeconds(1));

        Reconcile(QueueState.Empty, [], new() { ["waiting"] = null, ["busy"] = null }, afterOutage: true);

        Assert.All(new[] { _h.Job(queued), _h.Job(running) }, j => Assert.Equal(JobStatus.Failed, j.Status));
        Assert.StartsWith("Lost", _h.Job(queued).Error, StringComparison.Ordinal);
    }
}
