using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Jobs;
using AnimeProgress.IntegrationTests.ComfyUiEmulator;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.TestSupport.ComfyUi;

namespace AnimeProgress.IntegrationTests.Web.Relay;

/// <summary>
/// Issue 17's conformance check: the same client sessions run once straight against an emulated ComfyUI and once
/// through AnimeProgress's relay to another, identical one; the transcripts (every frame and HTTP answer the client
/// got) must match message by message apart from sid, timestamps, extra_data.client_id and the prompt number.
/// </summary>
public sealed class RelayConformanceTests
{
    private const double TimeScale = 0.5;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ComfyUiServerVersion.Release0364)]
    [InlineData(ComfyUiServerVersion.Newer)]
    public async Task Client_sessions_through_the_relay_look_exactly_as_they_do_straight_from_ComfyUI(ComfyUiServerVersion version)
    {
        await using var directServer = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = TimeScale, ServerVersion = version }, Ct);
        await using var serverBehindRelay = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = TimeScale, ServerVersion = version }, Ct);
        await using var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu-1",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = serverBehindRelay.BaseUrl.ToString(),
        });
        await Eventually.True(() => app.Hub.Instances.Any(i => i.Online), what: "the instance behind the relay online");
        var newer = version == ComfyUiServerVersion.Newer;

        var sessions = await Task.WhenAll(RunSessionsAsync(directServer.BaseUrl, newer), RunSessionsAsync(new Uri(app.BaseAddress, "comfyui/gpu-1/"), newer));
        var (direct, relayed) = (sessions[0], sessions[1]);

        for (var i = 0; i < direct.Count; i++)
        {
            Assert.Equal(direct[i].Http, relayed[i].Http);
            Assert.Equal(direct[i].Frames, relayed[i].Frames);
        }

        // The sessions saw what they were written to see (so equal transcripts mean something).
        Assert.Contains(direct[0].Http, h => h.StartsWith("GET /view?filename=ComfyUI_", StringComparison.Ordinal) && h.Contains(" 200 image/png ", StringComparison.Ordinal));
        Assert.Contains(direct[0].Http, h => h.StartsWith("POST /upload/image 200", StringComparison.Ordinal));
        var (legacy, withMetadata, reconnecting) = (direct[0].Frames, direct[1].Frames, direct[2].Frames);
        Assert.Contains(legacy, f => f.StartsWith("progress ", StringComparison.Ordinal) && f.Contains(PromptA, StringComparison.Ordinal));
        Assert.Contains(legacy, f => f.StartsWith("binary type 1", StringComparison.Ordinal));
        Assert.DoesNotContain(legacy, f => f.Contains(PromptB, StringComparison.Ordinal) || f.Contains(PromptC, StringComparison.Ordinal));
        Assert.Contains(withMetadata, f => f.StartsWith("feature_flags ", StringComparison.Ordinal));
        Assert.Contains(withMetadata, f => f.StartsWith("execution_interrupted ", StringComparison.Ordinal));
        Assert.Contains("-- reconnect --", reconnecting);
        Assert.Contains(reconnecting, f => f == "executing {\"node\":\"1\"}");

        // The relayed jobs are AnimeProgress's, with the detail its own jobs have.
        var job = await Eventually.Get(() => app.Hub.Jobs.FirstOrDefault(j => j.PromptId == PromptA && j.IsTerminal), what: "the relayed job finished on the dashboard");
        Assert.Equal((JobStatus.Completed, JobSource.AnimeProgress, true, "gpu-1"), (job.Status, job.Source, job.HasStepDetail, job.Instance));
        var interrupted = await Eventually.Get(() => app.Hub.Jobs.FirstOrDefault(j => j.PromptId == PromptB && j.IsTerminal), what: "the interrupted job ended on the dashboard");
        Assert.Equal(JobStatus.Cancelled, interrupted.Status);
    }

    private const string PromptA = "0b0d5f4e-5a52-4c38-9d7e-3b7d7c3f2a01";
    private const string PromptB = "6c1f2e9a-1b7d-4f0e-8a55-2d9c4e7b3f02";
    private const string PromptC = "9e4a7c21-3d5b-4a8f-b6e0-7f1c2d3e4a03";

    private sealed record Transcript(IReadOnlyList<string> Http, IReadOnlyList<string> Frames);

    /// <summary>
    /// Three clients, one after another: a script that follows a job and reads its history and the queue; ComfyUI's
    /// frontend (previews with metadata) interrupting its job while the checkpoint loads (the interrupt takes effect
    /// when the next node starts, so the transcript does not depend on timing); and a script that reconnects with its
    /// client id while its job runs. The first client's socket stays open throughout and must see none of the others' jobs.
    /// </summary>
    private static async Task<IReadOnlyList<Transcript>> RunSessionsAsync(Uri baseUrl, bool newer)
    {
        using var http = new HttpClient();
        await using var script = new ComfyUiSession(baseUrl, http, "pipeline-7");
        await using var frontend = new ComfyUiSession(baseUrl, http, "frontend-3");
        await using var reconnecting = new ComfyUiSession(baseUrl, http, "script-9");

        await script.ConnectAsync(previewMetadata: false, Ct);
        await script.PostPromptAsync(Graphs.TextToImage(steps: 4, seed: 7), PromptA, Ct);
        await script.Socket!.WaitForJobEndAsync(PromptA, Ct);
        await script.Socket.WaitForEmptyQueueAsync(Ct);
        var history = await script.GetJsonAsync("history/" + PromptA, Ct);
        var image = history![PromptA]!["outputs"]!["7"]!["images"]![0]!;
        await script.GetBytesAsync($"view?filename={image["filename"]}&subfolder={image["subfolder"]}&type=output", Ct);
        await script.GetBytesAsync("view?filename=no-such-file.png&type=output", Ct);
        await script.GetJsonAsync("queue", Ct);
        await script.UploadAsync("conformance.png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4], Ct);
        await script.GetBytesAsync("view?filename=conformance.png&type=input", Ct);
        if (newer)
        {
            await script.GetJsonAsync("api/jobs/" + PromptA, Ct);
            await script.GetJsonAsync("api/jobs?status=completed", Ct);
        }

        await frontend.ConnectAsync(previewMetadata: true, Ct);
        await frontend.PostPromptAsync(WithCheckpoint(Graphs.LongRunning(seed: 3), "sd_xl_base_1.0.safetensors"), PromptB, Ct);
        await frontend.Socket!.WaitForAsync(m => m.Type == "executing" && m.PromptId == PromptB && m.Data?["node"]?.GetValue<string>() == "1", Ct);
        // The newer server's own cancel for the frontend; the interrupt both know otherwise.
        await frontend.PostAsync(newer ? $"api/jobs/{PromptB}/cancel" : "interrupt", [], Ct);
        await frontend.Socket.WaitForJobEndAsync(PromptB, Ct);
        await script.Socket.WaitForAsync(m => m.Type == "status" && !m.Data!.ContainsKey("sid") && m == script.Socket.Messages[^1]
            && (int)m.Data["status"]!["exec_info"]!["queue_remaining"]! == 0, Ct);

        await reconnecting.ConnectAsync(previewMetadata: false, Ct);
        await reconnecting.PostPromptAsync(WithCheckpoint(Graphs.TextToImage(steps: 3, seed: 11), "v1-5-pruned-emaonly.safetensors"), PromptC, Ct);
        await reconnecting.Socket!.WaitForAsync(m => m.Type == "executing" && m.PromptId == PromptC && m.Data?["node"]?.GetValue<string>() == "1", Ct);
        await reconnecting.ReconnectAsync(Ct);
        await reconnecting.Socket!.WaitForJobEndAsync(PromptC, Ct);
        await reconnecting.Socket.WaitForEmptyQueueAsync(Ct);
        await script.Socket.WaitForAsync(m => m.Type == "status" && !m.Data!.ContainsKey("sid") && m == script.Socket.Messages[^1]
            && (int)m.Data["status"]!["exec_info"]!["queue_remaining"]! == 0, Ct);

        if (newer)
        {
            await script.GetJsonAsync("api/jobs?status=cancelled", Ct);
        }

        return [.. new[] { script, frontend, reconnecting }.Select(s => new Transcript(s.Http, s.Frames()))];
    }

    private static System.Text.Json.Nodes.JsonObject WithCheckpoint(System.Text.Json.Nodes.JsonObject graph, string checkpoint)
    {
        graph["1"]!["inputs"]!["ckpt_name"] = checkpoint;
        return graph;
    }
}
