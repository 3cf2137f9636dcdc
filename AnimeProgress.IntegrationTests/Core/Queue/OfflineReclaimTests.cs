using System.Net;
using System.Text.Json.Nodes;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Queue;
using AnimeProgress.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Core.Queue;

/// <summary>
/// Issue 16 item 7 against emulated ComfyUI: a job pending on an instance that stays offline longer than
/// <c>AnimeProgress:Queue:ReclaimPendingAfter</c> runs elsewhere under a new prompt id, exactly once, and the prompt it
/// left behind is deleted from that instance when it is reachable again, before it can run there.
/// </summary>
public sealed class OfflineReclaimTests : IAsyncLifetime
{
    private static readonly TimeSpan ReclaimAfter = TimeSpan.FromSeconds(3);
    private readonly string _data = Directory.CreateTempSubdirectory("animeprogress-reclaim-").FullName;
    private QueueFleet _fleet = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _fleet = await QueueFleet.StartAsync(instances: 2, extra: new Dictionary<string, string?>
        {
            ["AnimeProgress:Queue:ReclaimPendingAfter"] = ReclaimAfter.ToString(),
            // A database of the test's own, so the app can be restarted on it.
            ["AnimeProgress:Database:DataDirectory"] = _data,
        });

    public async ValueTask DisposeAsync()
    {
        await _fleet.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_job_pending_on_an_instance_that_never_returns_runs_once_elsewhere_after_the_reclaim_time_and_the_running_one_stays()
    {
        var (running, pending) = await RunningAndPendingOnGpuAAsync();

        await _fleet.KillGpuAAsync();
        var offlineAt = DateTimeOffset.UtcNow;

        // Not before the reclaim time: it may only be waiting for a short outage to end.
        Assert.Equal("gpu-a", _fleet.App.Hub.Find(pending.Id)!.Instance);
        var done = await _fleet.EndedAsync(pending.Id);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.True(DateTimeOffset.UtcNow - offlineAt >= ReclaimAfter - TimeSpan.FromMilliseconds(500), "taken back only after the reclaim time");
        Assert.Equal("gpu-b", done.Instance);
        Assert.NotEqual(pending.PromptId, done.PromptId);
        Assert.Equal(1, _fleet.GpuB.TimesQueued(done.PromptId!));
        Assert.Equal(0, _fleet.GpuB.TimesQueued(pending.PromptId!));
        Assert.Equal(1, _fleet.GpuA.TimesQueued(pending.PromptId!));

        // The job that was running there is not moved: it may still be rendering behind a broken link.
        Assert.Equal((JobStatus.Running, "gpu-a"), (_fleet.App.Hub.Find(running)!.Status, _fleet.App.Hub.Find(running)!.Instance));
        await using var db = await Db();
        var row = await db.FleetQueue.AsNoTracking().SingleAsync(r => r.JobId == pending.Id, Ct);
        Assert.Equal(("dispatched", "gpu-b", done.PromptId), (row.State, row.Instance, row.PromptId));
        var runningRow = await db.FleetQueue.AsNoTracking().SingleAsync(r => r.JobId == running, Ct);
        Assert.Equal("gpu-a", runningRow.Instance);

        // The abandoned prompt is remembered in the database until gpu-a is back to have it deleted.
        var abandoned = await _fleet.App.Services.GetRequiredService<FleetQueueStore>().AbandonedAsync(Ct);
        Assert.Equal([new AbandonedPrompt(pending.Id, "gpu-a", pending.PromptId!)], abandoned);

        // And the audit log says the app took it back by itself, from where, under which prompt.
        var entry = await AuditedAsync("job.reclaim", pending.Id);
        Assert.Equal(("system", "ok"), (entry.ActorKind, entry.Outcome));
        Assert.Contains($"pending on gpu-a as prompt {pending.PromptId}", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_instance_back_from_a_partition_with_the_abandoned_prompt_has_it_deleted_before_it_runs_so_the_job_ran_once()
    {
        var (running, pending) = await RunningAndPendingOnGpuAAsync();

        await _fleet.PartitionGpuAAsync();
        var done = await _fleet.EndedAsync(pending.Id);
        Assert.Equal((JobStatus.Completed, "gpu-b"), (done.Status, done.Instance));
        Assert.Equal(1, _fleet.GpuB.TimesQueued(done.PromptId!));

        // gpu-a kept rendering and still holds the abandoned prompt behind the long job.
        await _fleet.PartitionGpuAAsync(reachable: true);
        await ClearedAsync();

        using var http = new HttpClient { BaseAddress = _fleet.GpuA.BaseUrl };
        var queue = JsonNode.Parse(await http.GetStringAsync(new Uri("queue", UriKind.Relative), Ct))!;
        Assert.DoesNotContain(pending.PromptId!, queue.ToJsonString(), StringComparison.Ordinal);
        var history = JsonNode.Parse(await http.GetStringAsync(new Uri("history/" + pending.PromptId, UriKind.Relative), Ct))!.AsObject();
        Assert.Empty(history);
        Assert.Equal(1, _fleet.GpuA.TimesQueued(pending.PromptId!));

        // Not mistaken for a job of its own, and the long job goes on being followed there.
        Assert.DoesNotContain(_fleet.App.Hub.Jobs, j => j.PromptId == pending.PromptId);
        Assert.Equal((JobStatus.Running, "gpu-a"), (_fleet.App.Hub.Find(running)!.Status, _fleet.App.Hub.Find(running)!.Instance));
        Assert.Equal(JobStatus.Completed, _fleet.App.Hub.Find(pending.Id)!.Status);
    }

    [Fact]
    public async Task The_abandoned_prompt_survives_a_restart_of_AnimeProgress_and_is_deleted_when_the_instance_is_back()
    {
        var (running, pending) = await RunningAndPendingOnGpuAAsync();
        await _fleet.PartitionGpuAAsync();
        var done = await _fleet.EndedAsync(pending.Id);
        Assert.Equal((JobStatus.Completed, "gpu-b"), (done.Status, done.Instance));

        // The new process knows the abandoned prompt only from the database. The job that was running on gpu-a shows as
        // sent again after the restart, yet its stored start keeps it from being taken back while gpu-a stays away.
        await _fleet.RestartAppAsync("gpu-b");
        await Task.Delay(ReclaimAfter * 2, Ct);
        await using (var db = await Db())
        {
            var runningRow = await db.FleetQueue.AsNoTracking().SingleAsync(r => r.JobId == running, Ct);
            Assert.Equal(("dispatched", "gpu-a"), (runningRow.State, runningRow.Instance));
        }

        await _fleet.PartitionGpuAAsync(reachable: true);
        await ClearedAsync();
        using var http = new HttpClient { BaseAddress = _fleet.GpuA.BaseUrl };
        var queue = JsonNode.Parse(await http.GetStringAsync(new Uri("queue", UriKind.Relative), Ct))!;
        Assert.DoesNotContain(pending.PromptId!, queue.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(JsonNode.Parse(await http.GetStringAsync(new Uri("history/" + pending.PromptId, UriKind.Relative), Ct))!.AsObject());
        Assert.DoesNotContain(_fleet.App.Hub.Jobs, j => j.PromptId == pending.PromptId);
    }

    [Fact]
    public async Task An_abandoned_prompt_the_instance_ran_while_unreachable_is_reported_not_shown_as_a_job_of_its_own()
    {
        // A job of ~20 steps ends during the partition, so gpu-a goes on to the abandoned prompt by itself.
        var (running, pending) = await RunningAndPendingOnGpuAAsync(runningSteps: 20);
        await _fleet.PartitionGpuAAsync();
        var done = await _fleet.EndedAsync(pending.Id);
        Assert.Equal((JobStatus.Completed, "gpu-b"), (done.Status, done.Instance));
        using var http = new HttpClient { BaseAddress = _fleet.GpuA.BaseUrl };
        await Task.Delay(TimeSpan.FromSeconds(8), Ct);

        await _fleet.PartitionGpuAAsync(reachable: true);
        await ClearedAsync();

        // ComfyUI ran it (or was running it and was interrupted by its prompt id): that is logged as a warning with
        // both prompt ids, and the one job shows once, completed on gpu-b, with no second job for the abandoned prompt.
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (JsonNode.Parse(await http.GetStringAsync(new Uri("history/" + pending.PromptId, UriKind.Relative), Ct))!.AsObject()[pending.PromptId!] is null)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "gpu-a's history shows the abandoned prompt");
            await Task.Delay(50, Ct);
        }

        Assert.DoesNotContain(_fleet.App.Hub.Jobs, j => j.PromptId == pending.PromptId);
        Assert.Equal((JobStatus.Completed, "gpu-b", done.PromptId), (_fleet.App.Hub.Find(pending.Id)!.Status, _fleet.App.Hub.Find(pending.Id)!.Instance, _fleet.App.Hub.Find(pending.Id)!.PromptId));
        Assert.Equal(JobStatus.Completed, (await _fleet.EndedAsync(running)).Status);

        // Operators find it in the audit log, not only in the service log: a failure by the system, with both prompt ids.
        var entry = await AuditedAsync("job.ran-twice", pending.Id);
        Assert.Equal(("system", "failed"), (entry.ActorKind, entry.Outcome));
        Assert.Contains(pending.PromptId!, entry.Detail, StringComparison.Ordinal);
        Assert.Contains(done.PromptId!, entry.Detail, StringComparison.Ordinal);
    }

    private async Task<AnimeProgress.Core.Persistence.Audit.AuditEntryRow> AuditedAsync(string action, long jobId)
    {
        var target = jobId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await Eventually.GetAsync(async () =>
        {
            await using var db = await Db();
            return await db.AuditLog.AsNoTracking().SingleOrDefaultAsync(e => e.Action == action && e.Target == target, Ct);
        }, what: $"{action} audited for job {jobId}");
    }

    private async Task ClearedAsync()
    {
        var store = _fleet.App.Services.GetRequiredService<FleetQueueStore>();
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while ((await store.AbandonedAsync(Ct)).Count > 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the abandoned prompt is cleared once gpu-a is back");
            await Task.Delay(50, Ct);
        }
    }

    /// <summary>A long job runs on gpu-a and a short one is pending behind it there; gpu-b is free to take work.</summary>
    private async Task<(long Running, JobSnapshot Pending)> RunningAndPendingOnGpuAAsync(int? runningSteps = null)
    {
        Assert.Equal(HttpStatusCode.OK, (await _fleet.ActAsync(HttpMethod.Post, "/api/instances/gpu-b/drain")).Status);
        var running = await _fleet.SubmitAsync("running", longRunning: true, steps: runningSteps);
        await _fleet.RunningAsync(running);
        var id = await _fleet.SubmitAsync("pending");
        var pending = await Eventually.Get(() => _fleet.App.Hub.Find(id) is { Instance: "gpu-a", PromptId: not null, Status: JobStatus.Queued } job ? job : null, what: "pending sent to gpu-a");
        Assert.Equal(HttpStatusCode.OK, (await _fleet.ActAsync(HttpMethod.Post, "/api/instances/gpu-b/resume")).Status);
        return (running, pending);
    }

    private async Task<AnimeProgressDbContext> Db() =>
        await _fleet.App.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(Ct);
}
