using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Audit;
using AnimeProgress.Core.Queue;
using AnimeProgress.IntegrationTests.ComfyUiEmulator;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Keys;
using AnimeProgress.TestSupport.ComfyUi;
using AnimeProgress.Web.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Relay;

/// <summary>
/// The fleet relay (issue 17 item 2): one address, <c>/comfyui/fleet/</c>, in front of two emulated instances. A prompt
/// enters the fleet queue under its client's prompt id, runs where it fits under that id, and its client follows it,
/// reads its history and its output through the fleet address; nobody else hears of it.
/// </summary>
public sealed class FleetRelayTests : IAsyncLifetime
{
    private ComfyUiEmulatorServer _gpuA = null!;
    private ComfyUiEmulatorServer _gpuB = null!;
    private AppHost _app = null!;
    private string _read = null!;
    private string _submit = null!;
    private string _otherSubmit = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _gpuA = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.2 }, Ct);
        _gpuB = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.2 }, Ct);
        _app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu-a",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = _gpuA.BaseUrl.ToString(),
            ["AnimeProgress:ComfyUi:Instances:1:Name"] = "gpu-b",
            ["AnimeProgress:ComfyUi:Instances:1:BaseUrl"] = _gpuB.BaseUrl.ToString(),
        });
        await Eventually.True(() => _app.Hub.Instances.Count(i => i.Online) == 2, what: "both instances online");
        _read = (await KeyApps.KeyAsync(_app, "watcher", "Viewer", ApiScope.Read)).Text;
        _submit = (await KeyApps.KeyAsync(_app, "pipeline", "Viewer", ApiScope.Read | ApiScope.Submit)).Text;
        _otherSubmit = (await KeyApps.KeyAsync(_app, "artist", "Viewer", ApiScope.Read | ApiScope.Submit)).Text;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _gpuA.DisposeAsync();
        await _gpuB.DisposeAsync();
    }

    private Uri FleetAddress(string key) => new(_app.BaseAddress, $"comfyui/k/{key}/fleet/");

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, HttpContent? content = null) =>
        KeyApps.SendAsync(_app, method, "/comfyui/fleet/" + path, key, content);

    private async Task<JsonObject> PostPromptAsync(JsonObject body, string key = "")
    {
        using var response = await SendAsync(HttpMethod.Post, "prompt", key.Length == 0 ? _submit : key, JsonContent.Create(body));
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task A_client_follows_its_prompt_on_whichever_instance_runs_it_and_reads_its_history_and_output_through_the_fleet()
    {
        // gpu-a is busy with someone's work sent to it directly (no client id: ComfyUI broadcasts its progress), so the
        // fleet sends the client's prompt to gpu-b: /view and /history must be routed there, not to the first instance.
        using var direct = new HttpClient();
        using var busy = await direct.PostAsJsonAsync(new Uri(_gpuA.BaseUrl, "prompt"), new JsonObject { ["prompt"] = Graphs.LongRunning(seed: 9) }, Ct);
        busy.EnsureSuccessStatusCode();
        await Eventually.True(() => _app.Hub.Instances.Any(i => i.Name == "gpu-a" && i.QueueRemaining > 0), what: "gpu-a busy");

        await using var client = await WsProbe.ConnectAsync(FleetAddress(_read), "pipeline-7", Ct);
        await using var other = await WsProbe.ConnectAsync(FleetAddress(_read), "someone-else", Ct);
        var greeting = await client.WaitForAsync("status", Ct);
        Assert.Equal("pipeline-7", greeting.Data!["sid"]!.GetValue<string>());
        Assert.True(greeting.QueueRemaining >= 1, $"the fleet's status counts gpu-a's prompt: {greeting.Data.ToJsonString()}");

        var promptId = Guid.NewGuid().ToString("D");
        var answer = await PostPromptAsync(new JsonObject
        {
            ["prompt"] = Graphs.TextToImage(steps: 4, seed: 7),
            ["client_id"] = "pipeline-7",
            ["prompt_id"] = promptId,
            ["extra_data"] = new JsonObject { ["source"] = "fleet-test" },
        });
        Assert.Equal(promptId, answer["prompt_id"]!.GetValue<string>());
        Assert.True(answer["number"]!.GetValue<int>() >= 0);
        Assert.Empty(answer["node_errors"]!.AsObject());

        var end = await client.WaitForJobEndAsync(promptId, Ct);
        var messages = client.Messages.ToList();
        var start = messages.FindIndex(m => m.Type == "execution_start" && m.PromptId == promptId);
        Assert.True(start >= 0 && start < messages.IndexOf(end), client.Describe());
        Assert.Contains(messages, m => m.Type == "progress" && m.PromptId == promptId);
        Assert.Contains(messages, m => m.Type == "executed" && m.PromptId == promptId);
        await client.WaitForAsync(m => m.Type == "execution_success" && m.PromptId == promptId, Ct);
        // Nothing of gpu-a's other prompt, and the other client hears nothing of this one.
        Assert.All(client.Messages.Where(m => m.PromptId is not null), m => Assert.Equal(promptId, m.PromptId));
        Assert.All(other.Messages, m => Assert.Equal("status", m.Type));

        var job = await Eventually.Get(() => _app.Hub.Jobs.FirstOrDefault(j => j.PromptId == promptId && j.Status == JobStatus.Completed), what: "the fleet job completed on the hub");
        Assert.Equal(("gpu-b", JobSource.AnimeProgress, "pipeline", true), (job.Instance, job.Source, job.SubmittedBy, job.HasStepDetail));
        var audit = await AuditAsync(r => r.Action == "job.submit" && r.Target == job.Id.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(("key", "ok", "pipeline"), (audit.ActorKind, audit.Outcome, audit.ActorName));

        using var history = await SendAsync(HttpMethod.Get, "history/" + promptId, _read);
        var entry = (await history.Content.ReadFromJsonAsync<JsonObject>(Ct))![promptId]!;
        Assert.Equal("fleet-test", entry["prompt"]![3]!["source"]!.GetValue<string>());
        var image = entry["outputs"]!["7"]!["images"]![0]!;
        var view = $"view?filename={image["filename"]}&subfolder={image["subfolder"]}&type=output";
        using var throughFleet = await SendAsync(HttpMethod.Get, view, _read);
        Assert.Equal(HttpStatusCode.OK, throughFleet.StatusCode);
        var fromGpuB = await direct.GetByteArrayAsync(new Uri(_gpuB.BaseUrl, view), Ct);
        Assert.Equal(fromGpuB, await throughFleet.Content.ReadAsByteArrayAsync(Ct));
        using var fromGpuA = await direct.GetAsync(new Uri(_gpuA.BaseUrl, view), Ct);
        Assert.False(fromGpuA.IsSuccessStatusCode && (await fromGpuA.Content.ReadAsByteArrayAsync(Ct)).SequenceEqual(fromGpuB), "gpu-a could have answered for gpu-b");

        using var merged = await SendAsync(HttpMethod.Get, "history", _read);
        Assert.NotNull((await merged.Content.ReadFromJsonAsync<JsonObject>(Ct))![promptId]);
    }

    [Fact]
    public async Task A_prompt_waits_in_the_fleet_queue_shown_by_queue_and_runs_under_the_canonical_id_it_was_given()
    {
        var actions = _app.Services.GetRequiredService<QueueActions>();
        await actions.SetPausedAsync(true, "test", Ct);
        await using var client = await WsProbe.ConnectAsync(FleetAddress(_read), "script-3", Ct);
        await client.WaitForAsync("status", Ct);

        var first = await PostPromptAsync(new JsonObject { ["prompt"] = Graphs.TextToImage(steps: 2, seed: 1), ["client_id"] = "script-3", ["prompt_id"] = "my-own-id-1" });
        var replaced = first["prompt_id"]!.GetValue<string>();
        Assert.NotEqual("my-own-id-1", replaced);
        Assert.True(Guid.TryParseExact(replaced, "D", out var parsed) && parsed.ToString("D") == replaced, replaced);
        var secondId = Guid.NewGuid().ToString("D");
        var second = await PostPromptAsync(new JsonObject
        {
            ["prompt"] = Graphs.TextToImage(steps: 2, seed: 2), ["client_id"] = "script-3", ["prompt_id"] = secondId,
            ["extra_data"] = new JsonObject { ["api_key_comfy_org"] = "comfy-org-secret", ["note"] = "kept" },
        });
        Assert.Equal((0, 1), (first["number"]!.GetValue<int>(), second["number"]!.GetValue<int>()));

        // Waiting in the fleet queue, not on an instance; /queue shows both as pending under their ids, in order.
        var waiting = await Eventually.Get(() => _app.Hub.Jobs.FirstOrDefault(j => j.Title.Contains(replaced[..8], StringComparison.Ordinal)), what: "the first job on the hub");
        Assert.Equal((JobStatus.Queued, (string?)null, "pipeline"), (waiting.Status, waiting.Instance, waiting.SubmittedBy));
        using var queue = await SendAsync(HttpMethod.Get, "queue", _read);
        var pending = (await queue.Content.ReadFromJsonAsync<JsonObject>(Ct))!["queue_pending"]!.AsArray();
        Assert.Equal([replaced, secondId], pending.Select(p => p![1]!.GetValue<string>()).ToList());
        // Any read key sees this queue: a client's Comfy.org credentials are not shown, the rest of its extra_data is.
        var shownExtra = pending[1]![3]!.AsObject();
        Assert.Equal("kept", shownExtra["note"]!.GetValue<string>());
        Assert.False(shownExtra.ContainsKey("api_key_comfy_org"));

        // A relay that forgot its prompts (a restart) still refuses an id a waiting job holds: nobody takes its messages.
        var fleetPrompts = _app.Services.GetRequiredService<AnimeProgress.Web.Relay.Fleet.FleetPrompts>();
        var remembered = fleetPrompts.Find(secondId)!;
        fleetPrompts.Remove(remembered);
        using (var again = await SendAsync(HttpMethod.Post, "prompt", _otherSubmit, JsonContent.Create(new JsonObject { ["prompt"] = Graphs.TextToImage(steps: 2, seed: 3), ["client_id"] = "thief", ["prompt_id"] = secondId })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
            Assert.Contains("invalid_prompt_id", await again.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.True(fleetPrompts.TryAdd(remembered));

        await client.WaitForAsync(m => m.IsStatusBroadcast && m.QueueRemaining == 2, Ct);

        await actions.SetPausedAsync(false, "test", Ct);
        await client.WaitForJobEndAsync(replaced, Ct);
        await client.WaitForJobEndAsync(secondId, Ct);
        var ran = await Eventually.Get(() => _app.Hub.Find(waiting.Id) is { Status: JobStatus.Completed } done ? done : null, what: "the first job completed");
        Assert.Equal(replaced, ran.PromptId);
        Assert.Equal(secondId, _app.Hub.Jobs.Single(j => j.PromptId == secondId).PromptId);
    }

    [Fact]
    public async Task A_graph_with_a_node_class_no_instance_has_is_refused_as_ComfyUI_refuses_it_and_never_queued()
    {
        var graph = Graphs.TextToImage(steps: 2);
        graph["9"] = Graphs.Node("NoSuchNode", []);
        using var response = await SendAsync(HttpMethod.Post, "prompt", _submit, JsonContent.Create(new JsonObject { ["prompt"] = graph, ["client_id"] = "c" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        Assert.Equal(
            """{"type":"invalid_prompt","message":"Cannot execute because node NoSuchNode does not exist.","details":"Node ID '#9'","extra_info":{}}""",
            body["error"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.Empty(body["node_errors"]!.AsObject());
        // As the instance itself answers it.
        using var direct = new HttpClient();
        using var fromGpu = await direct.PostAsJsonAsync(new Uri(_gpuA.BaseUrl, "prompt"), new JsonObject { ["prompt"] = graph.DeepClone() }, Ct);
        Assert.Equal(body.ToJsonString(), (await fromGpu.Content.ReadFromJsonAsync<JsonObject>(Ct))!.ToJsonString());
        Assert.Empty(await _app.Services.GetRequiredService<FleetQueueStore>().WaitingAsync(Ct));
        Assert.DoesNotContain(_app.Hub.Jobs, j => j.SubmittedBy == "pipeline");
    }

    [Fact]
    public async Task Access_is_the_relays_a_read_key_may_not_submit_and_a_submit_key_stops_only_its_own_prompt()
    {
        using var readOnly = await SendAsync(HttpMethod.Post, "prompt", _read, JsonContent.Create(new JsonObject { ["prompt"] = Graphs.TextToImage(steps: 2) }));
        Assert.Equal(HttpStatusCode.Forbidden, readOnly.StatusCode);
        using var anonymous = await SendAsync(HttpMethod.Get, "queue", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var promptId = (await PostPromptAsync(new JsonObject { ["prompt"] = Graphs.LongRunning(seed: 4), ["client_id"] = "pipeline-1" }))["prompt_id"]!.GetValue<string>();
        await Eventually.True(() => _app.Hub.Jobs.Any(j => j.PromptId == promptId && j.Status == JobStatus.Running), what: "the long fleet job running");

        using var othersInterrupt = await SendAsync(HttpMethod.Post, "interrupt", _otherSubmit, JsonContent.Create(new JsonObject { ["prompt_id"] = promptId }));
        Assert.Equal(HttpStatusCode.Forbidden, othersInterrupt.StatusCode);
        using var othersCancel = await SendAsync(HttpMethod.Post, $"api/jobs/{promptId}/cancel", _otherSubmit, JsonContent.Create(new JsonObject()));
        Assert.Equal(HttpStatusCode.Forbidden, othersCancel.StatusCode);
        Assert.Equal(JobStatus.Running, _app.Hub.Jobs.Single(j => j.PromptId == promptId).Status);
        Assert.Equal("artist", (await AuditAsync(r => r.Action == "job.cancel" && r.Outcome == "refused")).ActorName);

        using var ownInterrupt = await SendAsync(HttpMethod.Post, "interrupt", _submit, JsonContent.Create(new JsonObject()));
        Assert.Equal(HttpStatusCode.OK, ownInterrupt.StatusCode);
        var ended = await Eventually.Get(() => _app.Hub.Jobs.FirstOrDefault(j => j.PromptId == promptId && j.IsTerminal), what: "the interrupted fleet job ended");
        Assert.Equal(JobStatus.Cancelled, ended.Status);
        Assert.Equal(ended.Id.ToString(CultureInfo.InvariantCulture), (await AuditAsync(r => r.Action == "job.cancel" && r.Outcome == "ok")).Target);
    }

    private async Task<AuditEntryRow> AuditAsync(Func<AuditEntryRow, bool> match)
    {
        var contexts = _app.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>();
        return await Eventually.GetAsync(async () =>
        {
            await using var db = await contexts.CreateDbContextAsync(Ct);
            return (await db.AuditLog.AsNoTracking().ToListAsync(Ct)).FirstOrDefault(match);
        }, what: "the audit entry");
    }
}
