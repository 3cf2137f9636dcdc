using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Queue;
using AnimeProgress.Web.Components.Queue;
using Bunit;
using MudBlazor;

namespace AnimeProgress.Tests.Web.Components.Queue;

/// <summary>
/// The Queue page's parts (issue 16): rows in dispatch order with priority, submitter, needs and why each waits; the
/// controls only for those allowed; cancel only through its confirmation dialog; retry only for the permitted.
/// </summary>
public sealed class QueueTableTests : ComponentTestContext
{
    private readonly List<string> _acted = [];

    private QueueEntryView Entry(long id, string title, int priority = 0, string? by = "olga", QueueEntryState state = QueueEntryState.Waiting,
        string reason = "Goes to gpu-a next.", JobNeeds? needs = null, long? retryOf = null) =>
        new(id, title, JobKind.Image, priority, by, Time.GetUtcNow(), needs ?? JobNeeds.None, null, retryOf, state,
            state == QueueEntryState.Waiting ? null : "gpu-a", reason);

    private List<QueueEntryView> Queue() =>
    [
        Entry(9, "being sent", state: QueueEntryState.Dispatching, reason: "Being sent to gpu-a."),
        Entry(10, "alpha", priority: 5, needs: new JobNeeds { VramGb = 24, Labels = ["video"] }),
        Entry(11, "bravo", by: "sam", reason: "Waits for an instance that fits: gpu-a is drained (gpu-b has 12 GB). 1 job ahead."),
        Entry(12, "charlie", by: null, retryOf: 7),
    ];

    private IRenderedComponent<QueueTable> RenderTable(bool mayOperate, Func<string?, bool>? mayActOn = null) =>
        Render<QueueTable>(p => p
            .Add(c => c.Entries, Queue())
            .Add(c => c.MayOperate, mayOperate)
            .Add(c => c.MayActOn, mayActOn ?? (_ => mayOperate))
            .Add(c => c.OnMoveTo, ((QueueEntryView Entry, QueueMove To) m) => _acted.Add($"move {m.Entry.JobId} {m.To.Describe()}"))
            .Add(c => c.OnPriority, ((QueueEntryView Entry, int Priority) c) => _acted.Add($"priority {c.Entry.JobId} {c.Priority}"))
            .Add(c => c.OnCancel, (QueueEntryView e) => _acted.Add($"cancel {e.JobId}"))
            .Add(c => c.OnBulkCancel, (IReadOnlyList<QueueEntryView> es) => _acted.Add($"cancel {Ids(es)}"))
            .Add(c => c.OnBulkFront, (IReadOnlyList<QueueEntryView> es) => _acted.Add($"front {Ids(es)}"))
            .Add(c => c.OnBulkPriority, ((IReadOnlyList<QueueEntryView> Entries, int Priority) c) => _acted.Add($"priority {Ids(c.Entries)} {c.Priority}")));

    private static string Ids(IReadOnlyList<QueueEntryView> entries) => string.Join(",", entries.Select(e => e.JobId));

    [Fact]
    public void Rows_show_place_priority_submitter_needs_and_why_each_waits_in_dispatch_order()
    {
        var cut = RenderTable(mayOperate: false);

        var rows = cut.FindAll("tr[data-testid=queue-row]");
        Assert.Equal(["9", "10", "11", "12"], rows.Select(r => r.GetAttribute("data-job")));
        Assert.Equal(["sending", "1", "2", "3"], rows.Select(r => r.QuerySelector("td")!.TextContent));
        Assert.Equal(["0", "5", "0", "0"], cut.FindAll("[data-testid=queue-priority]").Select(e => e.TextContent));
        Assert.Equal(
            ["Being sent to gpu-a.", "Goes to gpu-a next.", "Waits for an instance that fits: gpu-a is drained (gpu-b has 12 GB). 1 job ahead.", "Goes to gpu-a next."],
            cut.FindAll("[data-testid=queue-reason]").Select(e => e.TextContent));
        Assert.Equal("24 GB, label video", rows[1].QuerySelectorAll("td")[4].TextContent);
        Assert.Equal("sam", rows[2].QuerySelectorAll("td")[3].TextContent);
        Assert.Equal("—", rows[3].QuerySelectorAll("td")[3].TextContent);
        Assert.Equal("retry of #7", rows[3].QuerySelector(".queue-row__retry")!.TextContent);
    }

    [Fact]
    public void A_viewer_sees_no_control_at_all()
    {
        var cut = RenderTable(mayOperate: false);

        Assert.Empty(cut.FindAll("button"));
        Assert.Empty(cut.FindAll("input"));
        Assert.Empty(cut.FindAll("[data-testid=queue-bulk]"));
    }

    [Fact]
    public void An_operator_may_reorder_and_cancel_waiting_jobs_but_not_the_one_being_sent()
    {
        var cut = RenderTable(mayOperate: true);

        Assert.Empty(cut.FindAll("tr[data-job='9'] button"));
        Assert.Equal(3, cut.FindAll("button[aria-label^='Cancel ']").Count);
        Assert.True(cut.Find("button[aria-label='Move alpha to the front']").HasAttribute("disabled"));
        Assert.True(cut.Find("button[aria-label='Move alpha up']").HasAttribute("disabled"));
        Assert.False(cut.Find("button[aria-label='Move alpha down']").HasAttribute("disabled"));
        Assert.True(cut.Find("button[aria-label='Move charlie down']").HasAttribute("disabled"));

        cut.Find("button[aria-label='Move charlie to the front']").Click();
        cut.Find("button[aria-label='Move charlie up']").Click();
        cut.Find("button[aria-label='Move alpha down']").Click();
        cut.Find("button[aria-label='Move bravo down']").Click();
        cut.Find("button[aria-label='Raise the priority of bravo']").Click();
        cut.Find("button[aria-label='Lower the priority of alpha']").Click();

        Assert.Equal(
            ["move 12 to the front of the queue", "move 12 just before job #11", "move 10 just before job #12", "move 11 to the back of the queue", "priority 11 1", "priority 10 4"],
            _acted);
    }

    [Fact]
    public void A_submitter_may_cancel_only_their_own_job_and_reorders_nothing()
    {
        var cut = RenderTable(mayOperate: false, by => by == "sam");

        Assert.Equal(["Cancel bravo"], cut.FindAll("button").Select(b => b.GetAttribute("aria-label")));
        Assert.Equal(["Select every job you may act on", "Select bravo"], cut.FindAll("input[type=checkbox]").Select(b => b.GetAttribute("aria-label")));

        // Their bulk bar cancels (their own jobs) and offers no reordering.
        cut.Find("input[aria-label='Select bravo']").Change(true);
        Assert.Equal("1 selected", cut.Find("[data-testid=queue-selected]").TextContent);
        Assert.Equal(["Cancel selected", "Clear selection"], cut.FindAll("[data-testid=queue-bulk] button").Select(b => b.TextContent.Trim()));
    }

    [Fact]
    public void An_operator_moves_the_selected_jobs_to_the_front_in_their_order_and_sets_their_priority()
    {
        var cut = RenderTable(mayOperate: true);
        Assert.Empty(cut.FindAll("tr[data-job='9'] input"));

        cut.Find("input[aria-label='Select charlie']").Change(true);
        cut.Find("input[aria-label='Select alpha']").Change(true);
        Assert.Equal("2 selected", cut.Find("[data-testid=queue-selected]").TextContent);
        cut.FindAll("[data-testid=queue-bulk] button").Single(b => b.TextContent.Trim() == "Move selected to the front").Click();
        Assert.Empty(cut.FindAll("[data-testid=queue-bulk]"));

        cut.Find("input[aria-label='Select bravo']").Change(true);
        cut.Find("input[aria-label='Priority for the selected jobs']").Change("7");
        cut.FindAll("[data-testid=queue-bulk] button").Single(b => b.TextContent.Trim() == "Set priority").Click();

        Assert.Equal(["front 10,12", "priority 11 7"], _acted);
    }

    [Fact]
    public async Task Bulk_cancel_asks_first_and_keep_them_cancels_nothing()
    {
        var dialogs = Render<MudDialogProvider>();
        var cut = RenderTable(mayOperate: true);
        cut.Find("input[aria-label='Select every job you may act on']").Change(true);
        Assert.Equal("3 selected", cut.Find("[data-testid=queue-selected]").TextContent);

        await cut.InvokeAsync(() => cut.FindAll("[data-testid=queue-bulk] button").Single(b => b.TextContent.Trim() == "Cancel selected").Click());
        dialogs.WaitForAssertion(() => Assert.Contains("alpha (#10), bravo (#11), charlie (#12) leave the queue", dialogs.Find(".mud-dialog").TextContent, StringComparison.Ordinal));
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Keep them").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll(".mud-dialog")));
        Assert.Empty(_acted);
        Assert.Equal("3 selected", cut.Find("[data-testid=queue-selected]").TextContent);

        await cut.InvokeAsync(() => cut.FindAll("[data-testid=queue-bulk] button").Single(b => b.TextContent.Trim() == "Cancel selected").Click());
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll(".mud-dialog")));
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel the selected jobs").Click();
        cut.WaitForAssertion(() => Assert.Equal(["cancel 10,11,12"], _acted));
    }

    [Fact]
    public async Task Cancel_asks_first_and_keep_it_cancels_nothing()
    {
        var dialogs = Render<MudDialogProvider>();
        var cut = RenderTable(mayOperate: true);

        await cut.InvokeAsync(() => cut.Find("button[aria-label='Cancel bravo']").Click());
        dialogs.WaitForAssertion(() => Assert.Contains("bravo (#11) leaves the queue and does not run.", dialogs.Find(".mud-dialog").TextContent, StringComparison.Ordinal));
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Keep it").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll(".mud-dialog")));
        Assert.Empty(_acted);

        await cut.InvokeAsync(() => cut.Find("button[aria-label='Cancel bravo']").Click());
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll(".mud-dialog")));
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel the job").Click();
        cut.WaitForAssertion(() => Assert.Equal(["cancel 11"], _acted));
    }

    [Fact]
    public void Failed_and_cancelled_jobs_offer_retry_only_to_those_allowed()
    {
        JobSnapshot Ended(long id, string title, JobStatus status, string? by) => new()
        {
            Id = id, Title = title, Status = status, SubmittedBy = by, Source = JobSource.AnimeProgress, UpdatedAt = Time.GetUtcNow(),
        };
        var retried = new List<long>();
        var cut = Render<EndedJobs>(p => p
            .Add(c => c.Jobs, [Ended(3, "mine", JobStatus.Failed, "sam"), Ended(4, "theirs", JobStatus.Cancelled, "olga")])
            .Add(c => c.MayActOn, by => by == "sam")
            .Add(c => c.OnRetry, (JobSnapshot j) => retried.Add(j.Id)));

        Assert.Equal(["mine #3 · failed", "theirs #4 · cancelled"], cut.FindAll("[data-testid=ended-row] > span").Select(s => s.TextContent));
        Assert.Equal(["Retry mine"], cut.FindAll("button").Select(b => b.GetAttribute("aria-label")));
        cut.Find("button[aria-label='Retry mine']").Click();
        Assert.Equal([3L], retried);

        cut.Render(p => p.Add(c => c.Jobs, []));
        Assert.Empty(cut.FindAll("[data-testid=ended-row]"));
    }
}
