using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Core.Queue;

/// <summary>
/// The fleet queue's order and actions (issue 16) through the REST API, against emulated ComfyUI: priority and moves
/// decide what is sent next, only one of our prompts waits on an instance, and cancel says where the job was.
/// </summary>
public sealed class FleetQueueTests : IAsyncLifetime
{
    private QueueFleet _fleet = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _fleet = await QueueFleet.StartAsync();

    public ValueTask DisposeAsync() => _fleet.DisposeAsync();

    [Fact]
    public async Task Priority_and_moves_decide_what_is_sent_next_and_only_one_of_ours_waits_on_the_instance()
    {
        var running = await _fleet.SubmitAsync("long", longRunning: true);
        await _fleet.RunningAsync(running);
        var pending = await _fleet.SubmitAsync("pending", longRunning: true);
        await Eventually.True(() => _fleet.App.Hub.Find(pending)?.Instance == "gpu-a", what: "the next job sent to wait on ComfyUI");
        var a = await _fleet.SubmitAsync("a");
        var b = await _fleet.SubmitAsync("b", priority: 5);
        var c = await _fleet.SubmitAsync("c");

        // Higher priority enters ahead; the rest keep their order. Nothing more went to ComfyUI: one of ours waits there.
        Assert.Equal([b, a, c], await _fleet.WaitingOrderAsync());
        Assert.Equal(1, _fleet.OursPendingOn("gpu-a"));
        // The head of what waits (the pending job may still be listed first as being sent until its dispatch is confirmed).
        var head = (await _fleet.QueueAsync()).First(j => j!["state"]!.GetValue<string>() == "waiting");
        Assert.Contains("gpu-a is busy", head!["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{c}/move", new { to = "front" })).Status);
        Assert.Equal([c, b, a], await _fleet.WaitingOrderAsync());
        Assert.Equal(HttpStatusCode.OK, (await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{a}/move", new { before = b })).Status);
        Assert.Equal([c, a, b], await _fleet.WaitingOrderAsync());
        var (status, text) = await _fleet.ActAsync(HttpMethod.Patch, $"/api/jobs/{b}", new { priority = 10 });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("priority 10", text, StringComparison.Ordinal);
        Assert.Equal([b, c, a], await _fleet.WaitingOrderAsync());

        // The running job ends: the pending one starts, and the head of our queue (b) is sent, the others still wait.
        await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{running}/cancel");
        await Eventually.True(() => _fleet.App.Hub.Find(b)?.Instance == "gpu-a", TimeSpan.FromSeconds(30), "b sent first");
        Assert.Null(_fleet.App.Hub.Find(c)!.Instance);
        Assert.Null(_fleet.App.Hub.Find(a)!.Instance);
        Assert.Equal([c, a], await _fleet.WaitingOrderAsync());
        await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{pending}/cancel");
        foreach (var id in new[] { b, c, a })
        {
            Assert.Equal(JobStatus.Completed, (await _fleet.EndedAsync(id)).Status);
        }
    }

    [Fact]
    public async Task Cancel_says_whether_the_job_waited_in_the_fleet_queue_was_pending_on_comfyui_or_ran()
    {
        var running = await _fleet.SubmitAsync("long", longRunning: true);
        await _fleet.RunningAsync(running);
        var pending = await _fleet.SubmitAsync("pending", longRunning: true);
        var pendingJob = await Eventually.Get(() => _fleet.App.Hub.Find(pending) is { Instance: "gpu-a", PromptId: not null } j ? j : null, what: "pending on ComfyUI");
        var waiting = await _fleet.SubmitAsync("waiting");

        var (status, text) = await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{waiting}/cancel");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("waited in the fleet queue", text, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Cancelled, (await _fleet.EndedAsync(waiting)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{waiting}/cancel")).Status);

        (status, text) = await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{pending}/cancel");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("was pending on gpu-a", text, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Cancelled, (await _fleet.EndedAsync(pending)).Status);
        Assert.Equal(1, _fleet.GpuA.TimesQueued(pendingJob.PromptId!));

        (status, text) = await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{running}/cancel");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("was running on gpu-a", text, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Cancelled, (await _fleet.EndedAsync(running)).Status);

        // A job that already ended, and one that does not exist.
        (status, text) = await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{running}/cancel");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("already ended", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _fleet.ActAsync(HttpMethod.Post, "/api/jobs/999999/cancel")).Status);

        await using var db = await _fleet.App.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(Ct);
        await Eventually.True(() => db.AuditLog.Count(e => e.Action == "job.cancel") >= 6, what: "every cancel audited");
        Assert.Equal(3, db.AuditLog.Count(e => e.Action == "job.cancel" && e.Outcome == "ok"));
        Assert.Equal(3, db.AuditLog.Count(e => e.Action == "job.cancel" && e.Outcome == "failed"));
    }

    [Fact]
    public async Task Retry_queues_a_cancelled_job_again_as_a_new_job_linked_to_it()
    {
        Assert.Equal(HttpStatusCode.OK, (await _fleet.ActAsync(HttpMethod.Post, "/api/queue/pause")).Status);
        var first = await _fleet.SubmitAsync("to retry");
        await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{first}/cancel");
        var (status, text) = await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{first}/retry");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Contains($"retry of #{first}", text, StringComparison.Ordinal);

        var entry = Assert.Single(await _fleet.QueueAsync());
        var retry = entry!["id"]!.GetValue<long>();
        Assert.Equal(first, entry["retry_of"]!.GetValue<long>());
        Assert.Equal("The queue is paused.", entry["reason"]!.GetValue<string>());

        // Retrying a job that has not ended is refused, and so is a second retry of a job that is still waiting.
        Assert.Equal(HttpStatusCode.Conflict, (await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{retry}/retry")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _fleet.ActAsync(HttpMethod.Post, "/api/queue/resume")).Status);
        Assert.Equal(JobStatus.Completed, (await _fleet.EndedAsync(retry)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{retry}/retry")).Status);

        // GET /api/jobs/{id} carries the chain both ways.
        async Task<JsonObject> DetailAsync(long id)
        {
            using var response = await _fleet.SendAsync(HttpMethod.Get, $"/api/jobs/{id}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
        }

        var firstDetail = await DetailAsync(first);
        Assert.Null(firstDetail["retry_of"]);
        Assert.Equal([retry], firstDetail["retried_as"]!.AsArray().Select(n => n!.GetValue<long>()));
        var retryDetail = await DetailAsync(retry);
        Assert.Equal(first, retryDetail["retry_of"]!.GetValue<long>());
        Assert.Empty(retryDetail["retried_as"]!.AsArray());
    }

    [Fact]
    public async Task Two_operators_acting_on_the_same_job_at_once_one_wins_and_the_other_is_told_why()
    {
        await _fleet.ActAsync(HttpMethod.Post, "/api/queue/pause");
        var job = await _fleet.SubmitAsync("contested");
        var other = await _fleet.SubmitAsync("other");

        var answers = await Task.WhenAll(
            _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{job}/cancel"),
            _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{job}/cancel"),
            _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{job}/move", new { to = "back" }));

        Assert.Equal(1, answers.Count(a => a.Status == HttpStatusCode.OK && a.Text.Contains("cancelled", StringComparison.Ordinal)));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a =>
        {
            Assert.Equal(HttpStatusCode.Conflict, a.Status);
            Assert.False(string.IsNullOrWhiteSpace(a.Text));
        });
        Assert.Equal([other], await _fleet.WaitingOrderAsync());
    }

    [Fact]
    public async Task Bad_input_and_actions_on_jobs_that_no_longer_wait_get_a_clear_answer_and_change_nothing()
    {
        var running = await _fleet.SubmitAsync("long", longRunning: true);
        await _fleet.RunningAsync(running);
        await _fleet.ActAsync(HttpMethod.Post, "/api/queue/pause");
        var waiting = await _fleet.SubmitAsync("waiting", priority: 3);

        var (status, text) = await _fleet.ActAsync(HttpMethod.Patch, $"/api/jobs/{waiting}", new { priority = 5000 });
        Assert.Equal((HttpStatusCode.BadRequest, "A priority must be between -1000 and 1000 (got 5000)."), (status, text));
        Assert.Equal(HttpStatusCode.BadRequest, (await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{waiting}/move", new { before = waiting })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{waiting}/move", new { to = "sideways" })).Status);

        // The job that just started cannot be reordered or re-prioritised: it no longer waits.
        (status, text) = await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{running}/move", new { to = "front" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("no longer waits in the fleet queue (it was sent to gpu-a", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await _fleet.ActAsync(HttpMethod.Patch, $"/api/jobs/{running}", new { priority = 1 })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _fleet.ActAsync(HttpMethod.Post, "/api/jobs/999999/move", new { to = "front" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _fleet.ActAsync(HttpMethod.Post, "/api/instances/gpu-z/drain")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await _fleet.ActAsync(HttpMethod.Patch, "/api/instances/gpu-a", new { labels = new[] { "no spaces" } })).Status);

        // The running job may show as "being sent" until its dispatch is confirmed, which can come just after it starts.
        var entry = await Eventually.Get(
            () => _fleet.QueueAsync().GetAwaiter().GetResult() is [var only] ? only : null, what: "only the waiting job in the queue");
        Assert.Equal(waiting, entry!["id"]!.GetValue<long>());
        Assert.Equal(3, entry["priority"]!.GetValue<int>());
        Assert.Equal(JobStatus.Running, _fleet.App.Hub.Find(running)!.Status);
        await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{running}/cancel");
    }

    [Fact]
    public async Task A_drained_instance_takes_nothing_new_and_the_queue_says_why_until_it_is_returned()
    {
        var (status, text) = await _fleet.ActAsync(HttpMethod.Post, "/api/instances/gpu-a/drain");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("takes nothing new", text, StringComparison.Ordinal);
        var job = await _fleet.SubmitAsync("held");

        var entry = await Eventually.Get(() => _fleet.QueueAsync().GetAwaiter().GetResult().FirstOrDefault(), what: "the job in the queue");
        Assert.Equal("Waits for an instance that fits: gpu-a is drained.", entry!["reason"]!.GetValue<string>());
        Assert.Null(_fleet.App.Hub.Find(job)!.Instance);

        Assert.Equal(HttpStatusCode.OK, (await _fleet.ActAsync(HttpMethod.Post, "/api/instances/gpu-a/resume")).Status);
        Assert.Equal(JobStatus.Completed, (await _fleet.EndedAsync(job)).Status);
        Assert.Equal("gpu-a", _fleet.App.Hub.Find(job)!.Instance);
    }

    [Fact]
    public async Task A_job_pending_on_an_instance_that_restarts_goes_back_to_the_fleet_queue_and_runs_once_while_the_running_one_is_lost()
    {
        var running = await _fleet.SubmitAsync("running", longRunning: true);
        await _fleet.RunningAsync(running);
        var pending = await _fleet.SubmitAsync("pending");
        var sent = await Eventually.Get(() => _fleet.App.Hub.Find(pending) is { Instance: "gpu-a", PromptId: not null, Status: JobStatus.Queued } job ? job : null, what: "pending sent to gpu-a");
        var behind = await _fleet.SubmitAsync("behind");
        Assert.Equal([behind], await _fleet.WaitingOrderAsync());

        await _fleet.RestartGpuAAsync();

        // The running job ran (partly): it is lost. The pending one never started: it waits again, ahead of the one
        // behind it, and is sent under a new prompt id; ComfyUI never saw the old one again.
        var lost = await _fleet.EndedAsync(running);
        Assert.Equal(JobStatus.Failed, lost.Status);
        Assert.Contains("Lost", lost.Error, StringComparison.Ordinal);
        var done = await _fleet.EndedAsync(pending);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.NotEqual(sent.PromptId, done.PromptId);
        Assert.Equal(1, _fleet.GpuA.TimesQueued(done.PromptId!));
        Assert.Equal(0, _fleet.GpuA.TimesQueued(sent.PromptId!));
        var after = await _fleet.EndedAsync(behind);
        Assert.Equal(JobStatus.Completed, after.Status);
        Assert.True(done.StartedAt <= after.StartedAt, "the returned job keeps its place ahead of the one that waited behind it");
        await using var db = await _fleet.App.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(Ct);
        var row = await db.FleetQueue.AsNoTracking().SingleAsync(r => r.JobId == pending, Ct);
        Assert.Equal(("dispatched", done.PromptId), (row.State, row.PromptId));
    }
}
