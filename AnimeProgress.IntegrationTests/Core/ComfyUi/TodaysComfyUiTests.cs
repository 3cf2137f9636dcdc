using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Queue;
using AnimeProgress.Core.Submission;
using AnimeProgress.IntegrationTests.ComfyUiEmulator;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Core.ComfyUi;

/// <summary>
/// Issue 17 item 5: the app detects the newer server's job API per instance and uses it (reconciliation, other programs'
/// jobs with their real times and errors, the cancelled status, one-call cancel), sends create_time and canonical prompt
/// ids, never trips the newer server's cross-site 403, and works unchanged against 0.3.64.
/// </summary>
public sealed class TodaysComfyUiTests
{
    private const string CancelRoute = "/api/jobs/{job_id}/cancel";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(ComfyUiEmulatorServer Emulator, AppHost App, ComfyUiConnection Connection)> StartAsync(
        ComfyUiServerVersion version, double timeScale = 0.1, bool progressActivity = false)
    {
        var emulator = await ComfyUiEmulatorServer.StartAsync(
            new EmulatorOptions { Port = 0, TimeScale = timeScale, ServerVersion = version, ProgressActivity = progressActivity }, Ct);
        var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu-a",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = emulator.BaseUrl.ToString(),
            ["AnimeProgress:ComfyUi:ReconnectInitialDelay"] = "00:00:00.200",
            ["AnimeProgress:ComfyUi:ReconnectMaxDelay"] = "00:00:01",
            ["AnimeProgress:ComfyUi:OfflineProbeInterval"] = "00:00:00.500",
        });
        await Eventually.True(() => app.Hub.Instances.Any(i => i.Name == "gpu-a" && i.Online), what: "instance online");
        var connection = app.Services.GetRequiredService<ComfyUiFleet>().Find("gpu-a")!;
        await Eventually.True(() => connection.Features.Detected, what: "features probed");
        return (emulator, app, connection);
    }

    [Theory]
    [InlineData(ComfyUiServerVersion.Release0364, false)]
    [InlineData(ComfyUiServerVersion.Newer, true)]
    public async Task The_job_api_is_detected_only_where_it_exists_and_again_after_an_upgrade(ComfyUiServerVersion version, bool jobsApi)
    {
        var (emulator, app, connection) = await StartAsync(version);
        await using var __ = app;
        Assert.Equal(jobsApi, connection.Features.JobsApi);

        // The same address comes back as the other generation (an upgrade or a rollback): the reconnect probes again.
        var port = emulator.Port;
        await emulator.DisposeAsync();
        await Eventually.True(() => !connection.IsOnline, what: "instance offline");
        var other = version == ComfyUiServerVersion.Newer ? ComfyUiServerVersion.Release0364 : ComfyUiServerVersion.Newer;
        await using var restarted = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = port, TimeScale = 0.1, ServerVersion = other }, Ct);
        await Eventually.True(() => connection.IsOnline && connection.Features.JobsApi == !jobsApi, TimeSpan.FromSeconds(30), "the other generation detected");
        Assert.Equal(0, restarted.CrossSiteRefusals);
    }

    [Theory]
    [InlineData(ComfyUiServerVersion.Release0364)]
    [InlineData(ComfyUiServerVersion.Newer)]
    public async Task Cancel_uses_the_job_api_on_newer_servers_and_delete_with_interrupt_on_0364(ComfyUiServerVersion version)
    {
        var (emulator, app, _) = await StartAsync(version);
        await using var _e = emulator;
        await using var __ = app;
        var submitter = app.Services.GetRequiredService<JobSubmitter>();
        var actions = app.Services.GetRequiredService<QueueActions>();
        var running = await submitter.SubmitAsync(DemoWorkflows.Image("Running", steps: 10000, seed: 1), Ct);
        var pending = await submitter.SubmitAsync(DemoWorkflows.Image("Pending", steps: 10000, seed: 2), Ct);
        await Eventually.True(() => app.Hub.Find(running)?.Status == JobStatus.Running && app.Hub.Find(pending)?.QueuePosition == 1, TimeSpan.FromSeconds(30), "one running, one pending");

        var dequeued = await actions.CancelAsync(pending, Ct);
        var interrupted = await actions.CancelAsync(running, Ct);

        Assert.True(dequeued.Succeeded, dequeued.Message);
        Assert.True(interrupted.Succeeded, interrupted.Message);
        await Eventually.True(() => app.Hub.Find(running)?.Status == JobStatus.Cancelled && app.Hub.Find(pending)?.Status == JobStatus.Cancelled, TimeSpan.FromSeconds(30), "both cancelled");
        var newer = version == ComfyUiServerVersion.Newer;
        Assert.Equal(newer ? 2 : 0, emulator.RequestsTo("POST", CancelRoute));
        Assert.Equal(newer ? 0 : 1, emulator.RequestsTo("POST", "/interrupt"));
        Assert.Equal(newer ? 0 : 2, emulator.RequestsTo("POST", "/queue"));
        Assert.Equal(0, emulator.CrossSiteRefusals);
    }

    [Theory]
    [InlineData(ComfyUiServerVersion.Release0364)]
    [InlineData(ComfyUiServerVersion.Newer)]
    public async Task Submissions_carry_create_time_and_a_canonical_prompt_id(ComfyUiServerVersion version)
    {
        var (emulator, app, _) = await StartAsync(version, timeScale: 0.02);
        await using var _e = emulator;
        await using var __ = app;
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var id = await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(DemoWorkflows.Image("Stamped", steps: 2, seed: 3), Ct);
        var done = await Eventually.Get(() => app.Hub.Find(id) is { IsTerminal: true } j ? j : null, TimeSpan.FromSeconds(30), "done");
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(done.PromptId, Guid.ParseExact(done.PromptId!, "D").ToString("D"));
        // 0.3.64 keeps extra_data as sent, so there the value is AnimeProgress's own; newer servers stamp their own.
        var extra = emulator.History()[done.PromptId!]!["prompt"]![3]!;
        var createTime = extra["create_time"]!.GetValue<long>();
        Assert.InRange(createTime, before, after);
        Assert.Equal(0, emulator.CrossSiteRefusals);
    }

    [Theory]
    [InlineData(ComfyUiServerVersion.Release0364)]
    [InlineData(ComfyUiServerVersion.Newer)]
    public async Task Another_programs_job_that_failed_while_cut_off_gets_comfyuis_times_and_error_and_a_cancel_shows_as_cancelled(ComfyUiServerVersion version)
    {
        var (emulator, app, connection) = await StartAsync(version);
        await using var _e = emulator;
        await using var __ = app;
        using var comfy = new HttpClient { BaseAddress = emulator.BaseUrl };
        // A reconcile that began before the probe answered may still be reading the way 0.3.64 is read; let it end.
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        var historyReadsBefore = emulator.RequestsTo("GET", "/history");

        var failing = await PostAsync(comfy, Graphs.TextToImage(steps: 200, seed: 11), new JsonObject
        {
            ["emulator"] = new JsonObject { ["fail_node"] = "6", ["fail_message"] = "VRAM exhausted in the pipeline's job" },
        });
        var held = await PostAsync(comfy, Graphs.LongRunning(seed: 12), null);
        var external = await Eventually.Get(() => app.Hub.Jobs.FirstOrDefault(j => j.PromptId == failing && j.Status == JobStatus.Running), TimeSpan.FromSeconds(30), "the other program's job running");
        Assert.Equal(JobSource.External, external.Source);

        // Cut off (socket and HTTP) while it fails; ComfyUI keeps working.
        emulator.SetUnreachable(true);
        await Eventually.True(() => !connection.IsOnline, what: "instance offline");
        await Eventually.True(() => emulator.History().ContainsKey(failing), TimeSpan.FromSeconds(60), "the job failed in ComfyUI");
        emulator.SetUnreachable(false);

        var failed = await Eventually.Get(() => app.Hub.Jobs.FirstOrDefault(j => j.PromptId == failing && j.IsTerminal), TimeSpan.FromSeconds(30), "failure seen");
        var messages = emulator.History()[failing]!["status"]!["messages"]!.AsArray();
        long Stamp(string name) => messages.Single(m => m![0]!.GetValue<string>() == name)![1]!["timestamp"]!.GetValue<long>();
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Contains("VRAM exhausted in the pipeline's job", failed.Error, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(Stamp("execution_start")), failed.StartedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(Stamp("execution_error")), failed.FinishedAt);

        // The other program cancels its second job the way its server offers.
        await Eventually.True(() => app.Hub.Jobs.Any(j => j.PromptId == held && j.Status == JobStatus.Running), TimeSpan.FromSeconds(30), "second job running");
        var newer = version == ComfyUiServerVersion.Newer;
        using (var cancel = newer
            ? await comfy.PostAsync($"api/jobs/{held}/cancel", null, Ct)
            : await comfy.PostAsJsonAsync("interrupt", new JsonObject(), Ct))
        {
            cancel.EnsureSuccessStatusCode();
        }

        var cancelled = await Eventually.Get(() => app.Hub.Jobs.FirstOrDefault(j => j.PromptId == held && j.IsTerminal), TimeSpan.FromSeconds(30), "cancel seen");
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        if (newer)
        {
            // Newer servers were read through the job API only: its list (and detail), never /history again.
            Assert.Equal(historyReadsBefore, emulator.RequestsTo("GET", "/history"));
            Assert.Equal(
                DateTimeOffset.FromUnixTimeMilliseconds(emulator.History()[failing]!["prompt"]![3]!["create_time"]!.GetValue<long>()),
                failed.CreatedAt);
        }
        else
        {
            Assert.Equal(0, emulator.RequestsTo("GET", "/api/jobs"));
        }

        Assert.Equal(0, emulator.CrossSiteRefusals);
    }

    [Theory]
    [InlineData(ComfyUiServerVersion.Release0364)]
    [InlineData(ComfyUiServerVersion.Newer)]
    public async Task The_fleet_queue_dispatches_with_canonical_prompt_ids_and_cancels_through_the_rest_api(ComfyUiServerVersion version)
    {
        await using var fleet = await AnimeProgress.IntegrationTests.Core.Queue.QueueFleet.StartAsync(gpuAVersion: version);
        var gpu = fleet.GpuA;
        var running = await fleet.SubmitAsync("held", longRunning: true);
        await fleet.RunningAsync(running);
        var pending = await fleet.SubmitAsync("sent to wait", longRunning: true);
        await Eventually.True(() => fleet.App.Hub.Find(pending)?.QueuePosition == 1, TimeSpan.FromSeconds(30), "the next job waits on ComfyUI");

        // Newer servers refuse any prompt id but a canonical UUID: both dispatches were accepted, so the ids are.
        foreach (var id in new[] { running, pending })
        {
            var promptId = fleet.App.Hub.Find(id)!.PromptId!;
            Assert.Equal(promptId, Guid.ParseExact(promptId, "D").ToString("D"));
        }

        Assert.Equal(System.Net.HttpStatusCode.OK, (await fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{pending}/cancel")).Status);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{running}/cancel")).Status);
        Assert.Equal(JobStatus.Cancelled, (await fleet.EndedAsync(pending)).Status);
        Assert.Equal(JobStatus.Cancelled, (await fleet.EndedAsync(running)).Status);
        var newer = version == ComfyUiServerVersion.Newer;
        Assert.Equal(newer ? 2 : 0, gpu.RequestsTo("POST", CancelRoute));
        Assert.Equal(newer ? 0 : 1, gpu.RequestsTo("POST", "/interrupt"));
        Assert.Equal(0, gpu.CrossSiteRefusals);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_proposed_activity_shows_on_the_job_only_when_the_server_sends_it(bool sent)
    {
        var (emulator, app, _) = await StartAsync(ComfyUiServerVersion.Newer, timeScale: 0.2, progressActivity: sent);
        await using var _e = emulator;
        await using var __ = app;
        var activities = new List<string?>();
        using var subscription = app.Hub.Subscribe((batch, _) =>
        {
            lock (activities)
            {
                activities.AddRange(batch.Jobs.Select(j => j.Activity));
            }

            return ValueTask.CompletedTask;
        }, TimeSpan.Zero);

        var id = await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(DemoWorkflows.Image("Loads a model", steps: 4, seed: 5), Ct);
        var done = await Eventually.Get(() => app.Hub.Find(id) is { IsTerminal: true } j ? j : null, TimeSpan.FromSeconds(60), "done");

        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Null(done.Activity);
        lock (activities)
        {
            Assert.Equal(sent, activities.Contains("loading"));
        }
    }

    private static async Task<string> PostAsync(HttpClient comfy, JsonObject graph, JsonObject? extraData)
    {
        var body = new JsonObject { ["prompt"] = graph, ["client_id"] = "pipeline-script" };
        if (extraData is not null)
        {
            body["extra_data"] = extraData;
        }

        using var response = await comfy.PostAsJsonAsync("prompt", body, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["prompt_id"]!.GetValue<string>();
    }
}
