using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Audit;
using AnimeProgress.IntegrationTests.ComfyUiEmulator;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Accounts;
using AnimeProgress.IntegrationTests.Web.Keys;
using AnimeProgress.Web.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using AnimeProgress.TestSupport.ComfyUi;

namespace AnimeProgress.IntegrationTests.Web.Relay;

/// <summary>
/// Who may use the relay (issue 17 item 4): an API key with the right scope, from the header or the address, never the
/// dashboard's sign-in; a submit key acts only on its own account's prompts; what acts on work is audited.
/// </summary>
public sealed class RelayAccessTests : IAsyncLifetime
{
    private RelayTestApp _relay = null!;
    private ComfyUiEmulatorServer _gpu = null!;
    private AppHost _app = null!;
    private string _read = null!;
    private string _submit = null!;
    private string _otherSubmit = null!;
    private string _control = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _relay = await RelayTestApp.StartAsync(Ct);
        (_gpu, _app) = (_relay.Gpu, _relay.App);
        _read = (await KeyApps.KeyAsync(_app, "pipeline", "Viewer", ApiScope.Read)).Text;
        _submit = (await KeyApps.KeyAsync(_app, "pipeline", "Viewer", ApiScope.Read | ApiScope.Submit)).Text;
        _otherSubmit = (await KeyApps.KeyAsync(_app, "artist", "Viewer", ApiScope.Read | ApiScope.Submit)).Text;
        _control = (await KeyApps.KeyAsync(_app, "ops", "Operator", ApiScope.Read | ApiScope.Submit | ApiScope.Control)).Text;
    }

    public async ValueTask DisposeAsync()
    {
        await _relay.DisposeAsync();
    }

    private static JsonContent Prompt(JsonObject graph, string? clientId = "relay-test") =>
        JsonContent.Create(new JsonObject { ["prompt"] = graph, ["client_id"] = clientId });

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, HttpContent? content = null) =>
        await KeyApps.SendAsync(_app, method, "/comfyui/gpu-1/" + path, key, content);

    [Fact]
    public async Task Without_a_key_the_relay_answers_401_with_what_to_send_and_the_sign_in_cookie_is_not_a_key()
    {
        using var anonymous = await SendAsync(HttpMethod.Get, "queue", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("Authorization: Bearer", await anonymous.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        await Browser.AddUserAsync(_app, "alice", "Admin", "correct horse battery staple");
        using var browser = new Browser(_app);
        await browser.SignInOrFailAsync("alice", "correct horse battery staple");
        using var signedIn = await browser.GetAsync("/comfyui/gpu-1/queue");
        Assert.Equal(HttpStatusCode.Unauthorized, signedIn.StatusCode);
        using var refused = await SendAsync(HttpMethod.Get, "queue", "ap_not-a-real-key-at-all");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_read_key_reads_but_may_not_submit_and_the_key_may_be_in_the_address()
    {
        using var queue = await SendAsync(HttpMethod.Get, "queue", _read);
        Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
        Assert.NotNull((await queue.Content.ReadFromJsonAsync<JsonObject>(Ct))!["queue_running"]);

        using var submit = await SendAsync(HttpMethod.Post, "prompt", _read, Prompt(Graphs.TextToImage(steps: 2)));
        Assert.Equal(HttpStatusCode.Forbidden, submit.StatusCode);
        Assert.Contains("'submit' scope", await submit.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var inAddress = await KeyApps.SendAsync(_app, HttpMethod.Get, $"/comfyui/k/{_read}/gpu-1/api/queue", null);
        Assert.Equal(HttpStatusCode.OK, inAddress.StatusCode);

        await using var socket = await WsProbe.ConnectAsync(new Uri(_app.BaseAddress, $"comfyui/k/{_read}/gpu-1/"), "reader", Ct);
        var greeting = await socket.WaitForAsync("status", Ct);
        Assert.Equal("reader", greeting.Data!["sid"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_submit_key_submits_a_job_tracked_in_full_under_its_account_and_audited()
    {
        using var response = await SendAsync(HttpMethod.Post, "prompt", _submit, Prompt(Graphs.TextToImage(steps: 3)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        var promptId = answer["prompt_id"]!.GetValue<string>();
        Assert.True(Guid.TryParseExact(promptId, "D", out _), promptId);
        Assert.Empty(answer["node_errors"]!.AsObject());

        var job = await Eventually.Get(() => _app.Hub.Jobs.FirstOrDefault(j => j.PromptId == promptId && j.Status == JobStatus.Completed), what: "the relayed job completed");
        Assert.Equal((JobSource.AnimeProgress, "pipeline", true, JobKind.Image), (job.Source, job.SubmittedBy, job.HasStepDetail, job.Kind));
        Assert.Equal(100, job.Percent);

        var audit = await AuditAsync(r => r.Action == "job.submit" && r.Target == job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(("key", "ok"), (audit.ActorKind, audit.Outcome));
    }

    [Fact]
    public async Task A_submit_key_interrupts_only_its_own_prompt_and_frees_nothing_while_a_control_key_may()
    {
        using var posted = await SendAsync(HttpMethod.Post, "prompt", _submit, Prompt(Graphs.LongRunning(seed: 5)));
        var promptId = (await posted.Content.ReadFromJsonAsync<JsonObject>(Ct))!["prompt_id"]!.GetValue<string>();
        await Eventually.True(() => _app.Hub.Jobs.Any(j => j.PromptId == promptId && j.Status == JobStatus.Running && j.Percent > 0), what: "the long job running");

        using var othersInterrupt = await SendAsync(HttpMethod.Post, "interrupt", _otherSubmit, JsonContent.Create(new JsonObject()));
        Assert.Equal(HttpStatusCode.Forbidden, othersInterrupt.StatusCode);
        using var othersDelete = await SendAsync(HttpMethod.Post, "queue", _otherSubmit, JsonContent.Create(new JsonObject { ["delete"] = new JsonArray(promptId) }));
        Assert.Equal(HttpStatusCode.Forbidden, othersDelete.StatusCode);
        using var free = await SendAsync(HttpMethod.Post, "free", _submit, JsonContent.Create(new JsonObject { ["unload_models"] = true }));
        Assert.Equal(HttpStatusCode.Forbidden, free.StatusCode);
        Assert.Equal(JobStatus.Running, _app.Hub.Jobs.First(j => j.PromptId == promptId).Status);
        var refused = await AuditAsync(r => r.Action == "job.cancel" && r.Outcome == "refused");
        Assert.Equal("key", refused.ActorKind);

        using var ownInterrupt = await SendAsync(HttpMethod.Post, "interrupt", _submit, JsonContent.Create(new JsonObject()));
        Assert.Equal(HttpStatusCode.OK, ownInterrupt.StatusCode);
        var cancelled = await Eventually.Get(() => _app.Hub.Jobs.FirstOrDefault(j => j.PromptId == promptId && j.IsTerminal), what: "the interrupted job ended");
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        var done = await AuditAsync(r => r.Action == "job.cancel" && r.Outcome == "ok");
        Assert.Equal(cancelled.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), done.Target);

        using var operatorFree = await SendAsync(HttpMethod.Post, "free", _control, JsonContent.Create(new JsonObject { ["unload_models"] = true }));
        Assert.Equal(HttpStatusCode.OK, operatorFree.StatusCode);
        Assert.Equal("ops", (await AuditAsync(r => r.Action == "instance.free" && r.Outcome == "ok")).ActorName);
        Assert.Equal("pipeline", (await AuditAsync(r => r.Action == "instance.free" && r.Outcome == "refused")).ActorName);
    }

    [Fact]
    public async Task A_submit_key_cannot_clear_the_queue_with_a_truthy_clear_or_take_over_a_prompt_id_in_use()
    {
        using var posted = await SendAsync(HttpMethod.Post, "prompt", _otherSubmit, Prompt(Graphs.LongRunning(seed: 8), "artist-client"));
        var theirs = (await posted.Content.ReadFromJsonAsync<JsonObject>(Ct))!["prompt_id"]!.GetValue<string>();
        using var mine = await SendAsync(HttpMethod.Post, "prompt", _submit, Prompt(Graphs.TextToImage(steps: 2, seed: 4)));
        var mineId = (await mine.Content.ReadFromJsonAsync<JsonObject>(Ct))!["prompt_id"]!.GetValue<string>();
        await Eventually.True(() => _app.Hub.Jobs.Any(j => j.PromptId == theirs && j.Status == JobStatus.Running), what: "the artist's job running");

        // "clear": 1 is a clear to ComfyUI; with a submit key it is refused, whatever else the body names.
        using var clear = await SendAsync(HttpMethod.Post, "queue", _submit, JsonContent.Create(new JsonObject { ["delete"] = new JsonArray(mineId), ["clear"] = 1 }));
        Assert.Equal(HttpStatusCode.Forbidden, clear.StatusCode);

        // Re-using the artist's prompt id would route its messages to this client: refused as ComfyUI refuses a bad id.
        var takeOver = new JsonObject { ["prompt"] = Graphs.TextToImage(steps: 2), ["client_id"] = "thief", ["prompt_id"] = theirs };
        using var taken = await SendAsync(HttpMethod.Post, "prompt", _submit, JsonContent.Create(takeOver));
        Assert.Equal(HttpStatusCode.BadRequest, taken.StatusCode);
        Assert.Equal("invalid_prompt_id", (await taken.Content.ReadFromJsonAsync<JsonObject>(Ct))!["error"]!["type"]!.GetValue<string>());

        using var interrupt = await SendAsync(HttpMethod.Post, "interrupt", _otherSubmit, JsonContent.Create(new JsonObject()));
        Assert.Equal(HttpStatusCode.OK, interrupt.StatusCode);
        Assert.Equal(JobStatus.Cancelled, (await Eventually.Get(() => _app.Hub.Jobs.FirstOrDefault(j => j.PromptId == theirs && j.IsTerminal), what: "the artist's job ended")).Status);
        Assert.Equal(JobStatus.Completed, (await Eventually.Get(() => _app.Hub.Jobs.FirstOrDefault(j => j.PromptId == mineId && j.IsTerminal), what: "the pipeline's job ran")).Status);
    }

    [Theory]
    [InlineData("/comfyui/gpu-1//127.0.0.1:1/queue")]
    [InlineData("/comfyui/gpu-1/http:%2F%2F127.0.0.1:1/queue")]
    [InlineData("/comfyui/gpu-1/%5C%5C127.0.0.1:1/queue")]
    [InlineData("/comfyui/gpu-1/a/%2E%2E/%2E%2E/queue")]
    public async Task A_path_that_would_leave_the_instance_is_refused_or_stays_on_it(string path)
    {
        using var response = await KeyApps.SendAsync(_app, HttpMethod.Get, path, _read);
        // Either refused by the relay, or answered by the instance itself (its own 404): never another host's 502.
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    [Fact]
    public async Task An_unknown_instance_is_a_404_that_names_the_known_ones_and_a_rejected_prompt_keeps_ComfyUIs_answer()
    {
        using var unknown = await KeyApps.SendAsync(_app, HttpMethod.Get, "/comfyui/gpu-9/queue", _read);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("gpu-1", await unknown.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var invalid = Graphs.TextToImage(steps: 0);
        using var relayed = await SendAsync(HttpMethod.Post, "prompt", _submit, Prompt(invalid.DeepClone().AsObject()));
        using var http = new HttpClient();
        using var direct = await http.PostAsync(new Uri(_gpu.BaseUrl, "prompt"), Prompt(invalid), Ct);
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (direct.StatusCode, relayed.StatusCode));
        Assert.Equal(await direct.Content.ReadAsStringAsync(Ct), await relayed.Content.ReadAsStringAsync(Ct));
        Assert.Equal(direct.Content.Headers.ContentType?.ToString(), relayed.Content.Headers.ContentType?.ToString());
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
