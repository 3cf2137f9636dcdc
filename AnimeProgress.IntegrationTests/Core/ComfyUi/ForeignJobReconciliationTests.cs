using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.IntegrationTests.ComfyUiEmulator;
using AnimeProgress.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Core.ComfyUi;

/// <summary>
/// Issue 13 item 11: another program posts 200 prompts straight to ComfyUI, one after the other as a script
/// waiting for each would, most of them over before any queue read could see them (instant, fully cached,
/// failing at once). Every one must show up in AnimeProgress, live or from the history, once, with its real outcome.
/// </summary>
public sealed class ForeignJobReconciliationTests
{
    private const int Jobs = 200;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(3);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private enum Shape
    {
        Instant,
        Cached,
        FailsAtOnce,
        Sampled,
    }

    [Theory]
    [InlineData(ComfyUiServerVersion.Release0364)]
    [InlineData(ComfyUiServerVersion.Newer)]
    public async Task Every_prompt_another_client_ran_appears_once_with_its_real_outcome(ComfyUiServerVersion version)
    {
        // On the newer server the finished prompts come from the job API's list (issue 17 item 5), not /history.
        await using var emulator = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.05, ServerVersion = version }, Ct);
        await using var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu-a",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = emulator.BaseUrl.ToString(),
            ["AnimeProgress:ComfyUi:QueuePollBusy"] = PollInterval.ToString(),
        });
        await Eventually.True(() => app.Hub.Instances.Any(i => i.Name == "gpu-a" && i.Online), what: "instance online");
        using var comfy = new HttpClient { BaseAddress = emulator.BaseUrl };

        var expected = new Dictionary<string, JobStatus>(StringComparer.Ordinal);
        for (var i = 0; i < Jobs; i++)
        {
            var shape = (Shape)(i % 4);
            // Half post with their own client id (the web UI), half with none (a script).
            var clientId = i % 2 == 0 ? "other-program" : null;
            var promptId = await PostAsync(comfy, Graph(shape, i), clientId, shape == Shape.FailsAtOnce ? Fail("1", $"broken input {i}") : null);
            expected[promptId] = shape == Shape.FailsAtOnce ? JobStatus.Failed : JobStatus.Completed;
            await WaitInComfyHistoryAsync(comfy, promptId);
        }

        var interrupted = await PostAsync(comfy, Graphs.LongRunning(seed: 7), "other-program", null);
        await Eventually.True(() => RunningPromptAsync(comfy).GetAwaiter().GetResult() == interrupted, TimeSpan.FromSeconds(30), "long job running");
        using (var stop = await comfy.PostAsJsonAsync("interrupt", new JsonObject(), Ct))
        {
            stop.EnsureSuccessStatusCode();
        }

        await WaitInComfyHistoryAsync(comfy, interrupted);
        expected[interrupted] = JobStatus.Cancelled;

        // The workload is what the item is about: at least half ran in less than one poll interval.
        var durations = await ComfyDurationsAsync(comfy);
        Assert.True(durations.Count(d => d < PollInterval) >= Jobs / 2, $"{durations.Count(d => d < PollInterval)} of {durations.Count} ran under {PollInterval}");

        await Eventually.True(
            () => expected.Keys.All(p => app.Hub.Jobs.Any(j => j.PromptId == p && j.IsTerminal)),
            TimeSpan.FromSeconds(60),
            "every prompt finished in the hub");
        var byPrompt = app.Hub.Jobs.Where(j => j.PromptId is not null && expected.ContainsKey(j.PromptId)).GroupBy(j => j.PromptId!).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(expected.Count, byPrompt.Count);
        Assert.All(byPrompt, p => Assert.Single(p.Value));
        Assert.All(expected, e => Assert.Equal(e.Value, byPrompt[e.Key][0].Status));
        Assert.All(byPrompt.Values.Select(v => v[0]).Where(j => j.Status == JobStatus.Failed), j => Assert.Contains("broken input", j.Error, StringComparison.Ordinal));
        Assert.All(byPrompt.Values.Select(v => v[0]), j => Assert.True(j.Source is JobSource.External or JobSource.Broadcast, $"{j.PromptId} is {j.Source}"));

        // And in the store, once each, with the same outcome.
        await app.Services.GetRequiredService<JobStore>().FlushAsync(Ct);
        var contexts = app.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(Ct);
        var rows = await db.ProductionJobs.AsNoTracking().Where(r => r.ComfyUiJobId != null).Select(r => new { r.ComfyUiJobId, r.Status }).ToListAsync(Ct);
        var stored = rows.Where(r => expected.ContainsKey(r.ComfyUiJobId!)).ToList();
        Assert.Equal(expected.Count, stored.Count);
        Assert.Equal(expected.Count, stored.Select(r => r.ComfyUiJobId).Distinct().Count());
        Assert.All(stored, r => Assert.Equal(expected[r.ComfyUiJobId!].ToWire(), r.Status));
    }

    private static JsonObject Graph(Shape shape, int i) => shape switch
    {
        // The same graph every time: after the first run, every node comes from the cache.
        Shape.Cached => Graphs.SavedImages(batch: 1, prefix: "cached"),
        Shape.Sampled => Graphs.TextToImage(steps: 12, seed: i),
        // A size of its own, so it is never served from the cache (a cached node cannot fail).
        _ => Graphs.Images(batch: 1, width: 16 + i, height: 16),
    };

    private static JsonObject Fail(string node, string message) =>
        new() { ["emulator"] = new JsonObject { ["fail_node"] = node, ["fail_message"] = message } };

    private static async Task<string> PostAsync(HttpClient comfy, JsonObject graph, string? clientId, JsonObject? extraData)
    {
        var body = new JsonObject { ["prompt"] = graph };
        if (clientId is not null)
        {
            body["client_id"] = clientId;
        }

        if (extraData is not null)
        {
            body["extra_data"] = extraData;
        }

        using var response = await comfy.PostAsJsonAsync("prompt", body, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["prompt_id"]!.GetValue<string>();
    }

    /// <summary>As a script that waits for its prompt would: until ComfyUI's own history has it.</summary>
    private static Task WaitInComfyHistoryAsync(HttpClient comfy, string promptId) =>
        Eventually.True(
            () => comfy.GetFromJsonAsync<JsonObject>($"history/{promptId}", Ct).GetAwaiter().GetResult()!.ContainsKey(promptId),
            TimeSpan.FromSeconds(30),
            $"{promptId} in ComfyUI's history");

    private static async Task<string?> RunningPromptAsync(HttpClient comfy)
    {
        var queue = await comfy.GetFromJsonAsync<JsonObject>("queue", Ct);
        return queue!["queue_running"] is JsonArray { Count: > 0 } running ? running[0]![1]!.GetValue<string>() : null;
    }

    private static async Task<List<TimeSpan>> ComfyDurationsAsync(HttpClient comfy)
    {
        var history = await comfy.GetFromJsonAsync<JsonObject>($"history?max_items={Jobs + 10}", Ct);
        var durations = new List<TimeSpan>();
        foreach (var (_, entry) in history!)
        {
            var stamps = entry!["status"]!["messages"]!.AsArray().Select(m => m![1]!["timestamp"]!.GetValue<long>()).ToList();
            durations.Add(TimeSpan.FromMilliseconds(stamps.Max() - stamps.Min()));
        }

        return durations;
    }
}
