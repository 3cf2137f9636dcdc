using System.Text.Json.Nodes;
using AnimeProgress.TestSupport.ComfyUi;

namespace AnimeProgress.Bench.RelayConformance;

/// <summary>One session's transcript: its HTTP answers and its frames, normalized.</summary>
internal sealed record SessionTranscript(string Name, IReadOnlyList<string> Http, IReadOnlyList<string> Frames);

/// <summary>
/// The integration test's three client sessions (RelayConformanceTests), with model-free graphs for the real ComfyUI:
/// a script that follows two jobs (one streamed with step progress, one saved) and reads /history, /queue and /view; a frontend-like client with preview metadata that
/// interrupts its job while a slow blur runs (the interrupt takes effect when the next node starts, reference §5, so
/// the transcript does not depend on timing); and a script that reconnects with its client id while its job runs
/// (reference §2: status, then executing with the running node). The first client's socket stays open throughout and
/// must see none of the others' jobs.
/// </summary>
internal static class ConformanceSessions
{
    public const string PromptA = "0b0d5f4e-5a52-4c38-9d7e-3b7d7c3f2a01";
    public const string PromptB = "6c1f2e9a-1b7d-4f0e-8a55-2d9c4e7b3f02";
    public const string PromptC = "9e4a7c21-3d5b-4a8f-b6e0-7f1c2d3e4a03";
    public const string PromptSaved = "3f8a2b1c-7d4e-4c5b-9a6f-1e2d3c4b5a04";

    /// <summary>A 256 px blur this wide takes seconds on a CPU (5 s on a loaded 2-core machine): time for an interrupt or a reconnect to land in it.</summary>
    private const int SlowBlurRadius = 20;

    public static async Task<IReadOnlyList<SessionTranscript>> RunAsync(Uri baseUrl, TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = timeout };
        await using var script = new ComfyUiSession(baseUrl, http, "pipeline-7", timeout);
        await using var frontend = new ComfyUiSession(baseUrl, http, "frontend-3", timeout);
        await using var reconnecting = new ComfyUiSession(baseUrl, http, "script-9", timeout);

        await script.ConnectAsync(previewMetadata: false, ct);
        await script.PostPromptAsync(ModelFreeGraphs.BlurThenStreamed(size: 512, batch: 8, color: 0x3366cc, blurRadius: 3), PromptA, ct);
        await script.JobEndAsync(PromptA, ct);
        await script.SettledAfterAsync(PromptA, ct);
        await script.PostPromptAsync(ModelFreeGraphs.Saved(size: 512, color: 0x33cc66, prefix: "relay-conformance"), PromptSaved, ct);
        await script.JobEndAsync(PromptSaved, ct);
        await script.SettledAfterAsync(PromptSaved, ct);
        await script.GetJsonAsync("history/" + PromptA, ct);
        var history = await script.GetJsonAsync("history/" + PromptSaved, ct);
        await script.GetJsonAsync("queue", ct);
        if (history?[PromptSaved]?["outputs"]?["3"]?["images"]?[0] is JsonObject image)
        {
            await script.GetBytesAsync($"view?filename={Uri.EscapeDataString((string)image["filename"]!)}&subfolder={Uri.EscapeDataString((string)image["subfolder"]!)}&type={image["type"]}", ct);
        }

        await frontend.ConnectAsync(previewMetadata: true, ct);
        await frontend.PostPromptAsync(ModelFreeGraphs.BlurThenStreamed(size: 256, batch: 1, color: 0xcc3366, blurRadius: SlowBlurRadius), PromptB, ct);
        await frontend.Socket.WaitForAsync(m => m.Type == "executing" && m.PromptId == PromptB && m.Node == "2", ct, timeout, "the slow blur starting");
        await frontend.PostAsync("interrupt", [], ct);
        await frontend.JobEndAsync(PromptB, ct);
        await frontend.SettledAfterAsync(PromptB, ct);
        await script.SettledAsync(ct);

        await reconnecting.ConnectAsync(previewMetadata: false, ct);
        await reconnecting.PostPromptAsync(ModelFreeGraphs.BlurThenStreamed(size: 256, batch: 2, color: 0x66cc33, blurRadius: SlowBlurRadius), PromptC, ct);
        await reconnecting.Socket.WaitForAsync(m => m.Type == "executing" && m.PromptId == PromptC && m.Node == "2", ct, timeout, "the slow blur starting");
        await reconnecting.ReconnectAsync(ct);
        await reconnecting.JobEndAsync(PromptC, ct);
        await reconnecting.SettledAfterAsync(PromptC, ct);
        await script.SettledAsync(ct);

        return
        [
            new("script (follows, /history, /queue, /view)", script.Http, script.Frames()),
            new("frontend (preview metadata, interrupt)", frontend.Http, frontend.Frames()),
            new("reconnecting script", reconnecting.Http, reconnecting.Frames()),
        ];
    }
}
