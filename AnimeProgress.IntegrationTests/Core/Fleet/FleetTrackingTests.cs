using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Jobs;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Demo;

namespace AnimeProgress.IntegrationTests.Core.Fleet;

/// <summary>
/// Every way a job reaches ComfyUI, against real emulators over loopback: through AnimeProgress's
/// REST endpoint, by another program without a client id, and by another program with its own.
/// </summary>
public sealed class FleetTrackingTests : IAsyncLifetime
{
    private ComfyUiEmulatorServer _gpuA = null!;
    private ComfyUiEmulatorServer _gpuB = null!;
    private AppHost _app = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _gpuA = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.1 }, TestContext.Current.CancellationToken);
        _gpuB = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.1 }, TestContext.Current.CancellationToken);
        _app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu-a",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = _gpuA.BaseUrl.ToString(),
            ["AnimeProgress:ComfyUi:Instances:1:Name"] = "gpu-b",
            ["AnimeProgress:ComfyUi:Instances:1:BaseUrl"] = _gpuB.BaseUrl.ToString(),
        });
        _http = _app.CreateClient();
        await Eventually.True(() => _app.Hub.Instances.Count(i => i.Online) == 2, what: "both instances online");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _gpuA.DisposeAsync();
        await _gpuB.DisposeAsync();
    }

    private static JsonObject Workflow(int steps = 6) => DemoWorkflows.Image("x", steps, seed: Random.Shared.Next()).Workflow;

    /// <summary>Another program posts straight to ComfyUI, as the web UI or a script would.</summary>
    private async Task<string> PostToComfyUiAsync(ComfyUiEmulatorServer gpu, string? clientId, JsonObject? extraData = null)
    {
        var body = new JsonObject { ["prompt"] = Workflow(steps: 30) };
        if (clientId is not null)
        {
            body["client_id"] = clientId;
        }

        if (extraData is not null)
        {
            body["extra_data"] = extraData;
        }

        using var response = await _http.PostAsJsonAsync(new Uri(gpu.BaseUrl, "prompt"), body, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        return answer!["prompt_id"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_job_another_client_submitted_is_tracked_from_the_queue_without_an_invented_percent()
    {
        var promptId = await PostToComfyUiAsync(_gpuA, "comfy-webui-42");

        var running = await Eventually.Get(() => _app.Hub.Jobs.FirstOrDefault(j => j.PromptId == promptId && j.Status == JobStatus.Running), what: "external job running");
        Assert.Equal((JobSource.External, "gpu-a", false), (running.Source, running.Instance, running.HasStepDetail));
        Assert.Equal(0, running.Percent);

        var done = await Eventually.Get(() => _app.Hub.Jobs.FirstOrDefault(j => j.PromptId == promptId && j.IsTerminal), TimeSpan.FromSeconds(60), "external job done");
        Assert.Equal(JobStatus.Completed, done.Status);
    }

    [Fact]
    public async Task A_job_posted_without_client_id_shows_broadcast_progress_and_its_true_outcome()
    {
        var promptId = await PostToComfyUiAsync(_gpuB, clientId: null, DemoWorkflows.FailNode("8", "decoder exploded"));

        var moving = await Eventually.Get(() => _app.Hub.Jobs.FirstOrDefault(j => j.PromptId == promptId && j.Percent > 0), TimeSpan.FromSeconds(60), "broadcast progress");
        Assert.Equal(JobSource.Broadcast, moving.Source);

        // The error goes to nobody over the WebSocket (reference §3): only /history tells it.
        var done = await Eventually.Get(() => _app.Hub.Jobs.FirstOrDefault(j => j.PromptId == promptId && j.IsTerminal), TimeSpan.FromSeconds(60), "broadcast job done");
        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Contains("decoder exploded", done.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Posting_to_the_api_without_a_target_spreads_jobs_over_the_least_loaded_instances()
    {
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await _http.PostAsJsonAsync("/api/jobs", new { title = $"Cut {i}", kind = "image", workflow = Workflow(steps: 20) }, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<long>());
        }

        // 202 means accepted into the fleet queue; the dispatcher sends each to an instance where none of ours waits,
        // so the four spread over both instances as the first ones start.
        await Eventually.True(() => ids.All(id => _app.Hub.Find(id)?.Instance is not null), TimeSpan.FromSeconds(60), "all four dispatched");
        var jobs = ids.Select(id => _app.Hub.Find(id)!).ToList();
        Assert.Equal(2, jobs.Count(j => j.Instance == "gpu-a"));
        Assert.Equal(2, jobs.Count(j => j.Instance == "gpu-b"));
        Assert.All(jobs, j => Assert.Equal(JobSource.AnimeProgress, j.Source));
        await Eventually.True(() => ids.All(id => _app.Hub.Find(id)?.Status == JobStatus.Completed), TimeSpan.FromSeconds(90), "all four completed");
    }

    [Fact]
    public async Task The_api_refuses_bad_submissions_with_problem_details()
    {
        using var missing = await _http.PostAsJsonAsync("/api/jobs", new { kind = "sculpture" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var problem = await missing.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        Assert.NotNull(problem!["errors"]!["title"]);
        Assert.NotNull(problem["errors"]!["workflow"]);
        Assert.NotNull(problem["errors"]!["kind"]);

        var broken = new JsonObject { ["1"] = new JsonObject { ["class_type"] = "NoSuchNode", ["inputs"] = new JsonObject() } };
        using var rejected = await _http.PostAsJsonAsync("/api/jobs", new { title = "broken", workflow = broken, instance = "gpu-a" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        Assert.Contains("NoSuchNode", await rejected.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_latest_preview_of_a_running_job_is_served_over_http()
    {
        using var response = await _http.PostAsJsonAsync("/api/jobs", new { title = "Preview cut", workflow = Workflow(steps: 40), instance = "gpu-a" }, TestContext.Current.CancellationToken);
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<long>();

        await Eventually.True(() => _app.Hub.Find(id)?.PreviewVersion is not null, TimeSpan.FromSeconds(60), "a preview");
        using var preview = await _http.GetAsync($"/api/jobs/{id}/preview", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.StartsWith("image/", preview.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        Assert.True((await preview.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length > 0);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/jobs/999999/preview", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task An_instance_that_goes_down_is_shown_offline_with_its_retry_and_the_other_is_unaffected()
    {
        await _gpuB.StopAsync(TestContext.Current.CancellationToken);

        var down = await Eventually.Get(() => _app.Hub.Instances.FirstOrDefault(i => i.Name == "gpu-b" && !i.Online && i.ReconnectAttempt > 0), what: "gpu-b offline");
        Assert.NotNull(down.NextRetryAt);
        Assert.True(_app.Hub.Instances.Single(i => i.Name == "gpu-a").Online);

        using var response = await _http.PostAsJsonAsync("/api/jobs", new { title = "still works", workflow = Workflow() }, TestContext.Current.CancellationToken);
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<long>();
        // The fleet queue sends it to the instance that is up.
        var sent = await Eventually.Get(() => _app.Hub.Find(id) is { Instance: not null } job ? job : null, what: "dispatched");
        Assert.Equal("gpu-a", sent.Instance);
    }
}
