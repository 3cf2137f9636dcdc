using System.Net;
using System.Text.Json.Nodes;

namespace AnimeProgress.IntegrationTests.ComfyUiEmulator;

/// <summary>GET/POST /queue and /history (reference §5, §8).</summary>
public sealed class QueueAndHistoryTests
{
    [Fact]
    public async Task Queue_items_have_five_elements_and_extra_data_keeps_client_id_and_unknown_keys()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var running = await emulator.SubmitAsync(Graphs.LongRunning(), "client");
        await client.WaitForAsync(m => m.Type == "progress", TestContext.Current.CancellationToken);
        var pending = await emulator.SubmitAsync(Graphs.SavedImages(), clientId: null,
            new JsonObject { ["extra_data"] = new JsonObject { ["extra_pnginfo"] = new JsonObject { ["workflow"] = "w" } } });

        var queue = await emulator.GetJsonAsync("queue");

        var runningItem = Assert.Single(queue["queue_running"]!.AsArray())!.AsArray();
        Assert.Equal(5, runningItem.Count);
        Assert.Equal(0, (int)runningItem[0]!);
        Assert.Equal(running, runningItem[1]!.GetValue<string>());
        Assert.Equal("KSampler", runningItem[2]!["5"]!["class_type"]!.GetValue<string>());
        Assert.Equal("""{"client_id":"client"}""", runningItem[3]!.ToJsonString());
        Assert.Equal(["7"], runningItem[4]!.AsArray().Select(n => n!.GetValue<string>()));
        var pendingItem = Assert.Single(queue["queue_pending"]!.AsArray())!.AsArray();
        Assert.Equal(pending, pendingItem[1]!.GetValue<string>());
        Assert.Equal("""{"extra_pnginfo":{"workflow":"w"}}""", pendingItem[3]!.ToJsonString());
        Assert.Equal(2, (int)(await emulator.GetJsonAsync("prompt"))["exec_info"]!["queue_remaining"]!);
        Assert.Empty(await emulator.GetJsonAsync("history/" + running));
    }

    [Fact]
    public async Task A_prompt_deleted_from_the_pending_queue_never_runs_nor_reaches_history()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var blocker = await emulator.SubmitAsync(Graphs.LongRunning(), "client");
        await client.WaitForAsync(m => m.Type == "progress", TestContext.Current.CancellationToken);
        var doomed = await emulator.SubmitAsync(Graphs.SavedImages(), "client");
        var kept = await emulator.SubmitAsync(Graphs.SavedImages(batch: 3), "client");

        var (status, body) = await emulator.PostAsync("queue", new JsonObject { ["delete"] = new JsonArray(doomed) });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("", body);
        await emulator.PostAsync("interrupt", new JsonObject { ["prompt_id"] = blocker });
        await client.WaitForJobEndAsync(kept, TestContext.Current.CancellationToken);

        Assert.Empty(client.ForPrompt(doomed));
        Assert.Empty(await emulator.GetJsonAsync("history/" + doomed));
        var history = await emulator.GetJsonAsync("history");
        Assert.Equal([blocker, kept], history.Select(p => p.Key));
    }

    [Fact]
    public async Task Deleting_the_last_pending_prompt_announces_the_change_twice()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var blocker = await emulator.SubmitAsync(Graphs.LongRunning(), "client");
        await client.WaitForAsync(m => m.Type == "progress", TestContext.Current.CancellationToken);
        var pending = await emulator.SubmitAsync(Graphs.SavedImages(), "client");
        await client.WaitForAsync(m => m.Type == "status" && (int)m.Data!["status"]!["exec_info"]!["queue_remaining"]! == 2, TestContext.Current.CancellationToken);
        var before = client.Messages.Count(m => m.Type == "status");

        await emulator.PostAsync("queue", new JsonObject { ["delete"] = new JsonArray(pending) });
        await client.WaitForAsync(_ => client.Messages.Count(m => m.Type == "status") >= before + 2, TestContext.Current.CancellationToken);

        var statuses = client.Messages.Where(m => m.Type == "status").Skip(before).Take(2);
        Assert.All(statuses, m => Assert.Equal(1, (int)m.Data!["status"]!["exec_info"]!["queue_remaining"]!));
        await emulator.PostAsync("interrupt", new JsonObject { ["prompt_id"] = blocker });
    }

    [Fact]
    public async Task Clearing_the_queue_empties_pending_but_leaves_the_running_prompt()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var running = await emulator.SubmitAsync(Graphs.LongRunning(), "client");
        await client.WaitForAsync(m => m.Type == "progress", TestContext.Current.CancellationToken);
        await emulator.SubmitAsync(Graphs.SavedImages(), "client");
        await emulator.SubmitAsync(Graphs.SavedImages(batch: 2), "client");

        await emulator.PostAsync("queue", new JsonObject { ["clear"] = true });

        var queue = await emulator.GetJsonAsync("queue");
        Assert.Empty(queue["queue_pending"]!.AsArray());
        Assert.Equal(running, queue["queue_running"]![0]![1]!.GetValue<string>());
        await emulator.PostAsync("interrupt", new JsonObject());
        await client.WaitForJobEndAsync(running, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Prompts_run_in_ascending_number_order_and_front_jumps_the_queue()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var blocker = await emulator.SubmitAsync(Graphs.LongRunning(), "client");
        await client.WaitForAsync(m => m.Type == "progress", TestContext.Current.CancellationToken);
        var a = await emulator.SubmitAsync(Graphs.SavedImages(batch: 1), "client");
        var b = await emulator.SubmitAsync(Graphs.SavedImages(batch: 2), "client");
        var (_, urgentBody) = await emulator.PostPromptAsync(new JsonObject { ["prompt"] = Graphs.SavedImages(batch: 3), ["client_id"] = "client", ["front"] = true });
        var urgent = urgentBody["prompt_id"]!.GetValue<string>();
        Assert.Equal(-3, (int)urgentBody["number"]!);

        var pending = (await emulator.GetJsonAsync("queue"))["queue_pending"]!.AsArray()
            .OrderBy(i => (double)i![0]!).Select(i => i![1]!.GetValue<string>());
        Assert.Equal([urgent, a, b], pending);

        await emulator.PostAsync("interrupt", new JsonObject());
        await client.WaitForJobEndAsync(b, TestContext.Current.CancellationToken);
        var started = client.Messages.Where(m => m.Type == "execution_start").Select(m => m.PromptId);
        Assert.Equal([blocker, urgent, a, b], started);
    }

    [Fact]
    public async Task History_entries_record_prompt_outputs_status_and_meta()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var promptId = await emulator.SubmitAsync(Graphs.Images(batch: 2), "client");

        var entry = await emulator.WaitForHistoryAsync(promptId);

        Assert.Equal(["prompt", "outputs", "status", "meta"], entry.Select(p => p.Key));
        Assert.Equal(5, entry["prompt"]!.AsArray().Count);
        Assert.Equal(["ComfyUI_00001_.png", "ComfyUI_00002_.png"], entry["outputs"]!["3"]!["images"]!.AsArray().Select(f => f!["filename"]!.GetValue<string>()));
        Assert.False(entry["outputs"]!.AsObject().ContainsKey("2")); // SaveImageWebsocket has no UI
        var status = entry["status"]!;
        Assert.Equal("success", status["status_str"]!.GetValue<string>());
        Assert.True(status["completed"]!.GetValue<bool>());
        Assert.Equal(["execution_start", "execution_cached", "execution_success"], status["messages"]!.AsArray().Select(m => m![0]!.GetValue<string>()));
        Assert.All(status["messages"]!.AsArray(), m => Assert.True(m![1]!["timestamp"]!.GetValue<long>() > 0));
        Assert.Equal("""{"node_id":"3","display_node":"3","parent_node":null,"real_node_id":"3"}""", entry["meta"]!["3"]!.ToJsonString());
    }

    [Fact]
    public async Task History_supports_max_items_offset_delete_and_clear()
    {
        await using var emulator = await EmulatorHarness.StartAsync(timeScale: 0.01);
        var ids = new List<string>();
        for (var i = 1; i <= 4; i++)
        {
            ids.Add(await emulator.SubmitAsync(Graphs.SavedImages(batch: i), clientId: null));
        }
        await emulator.WaitForHistoryAsync(ids[^1]);

        Assert.Equal(ids, (await emulator.GetJsonAsync("history")).Select(p => p.Key));
        Assert.Equal(ids[2..], (await emulator.GetJsonAsync("history?max_items=2")).Select(p => p.Key));
        Assert.Equal(ids[1..3], (await emulator.GetJsonAsync("history?max_items=2&offset=1")).Select(p => p.Key));
        Assert.Equal(ids[1..], (await emulator.GetJsonAsync("history?offset=1")).Select(p => p.Key));

        await emulator.PostAsync("history", new JsonObject { ["delete"] = new JsonArray(ids[0]) });
        Assert.Equal(ids[1..], (await emulator.GetJsonAsync("history")).Select(p => p.Key));
        Assert.Empty(await emulator.GetJsonAsync("history/" + ids[0]));

        await emulator.PostAsync("history", new JsonObject { ["clear"] = true });
        Assert.Empty(await emulator.GetJsonAsync("history"));
    }

    [Fact]
    public async Task Mutating_endpoints_answer_200_with_an_empty_body()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        foreach (var (path, body) in new (string, JsonNode?)[]
        {
            ("queue", new JsonObject { ["clear"] = true }),
            ("history", new JsonObject { ["clear"] = true }),
            ("interrupt", null),
            ("interrupt", new JsonObject { ["prompt_id"] = "not-running" }),
            ("free", new JsonObject { ["unload_models"] = true, ["free_memory"] = true }),
        })
        {
            using var content = new StringContent(body?.ToJsonString() ?? "");
            using var response = await emulator.Http.PostAsync(path, content, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task Free_memory_drops_the_cache_so_the_next_run_recomputes()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var first = await emulator.SubmitAsync(Graphs.SavedImages(), "client");
        await client.WaitForJobEndAsync(first, TestContext.Current.CancellationToken);

        await emulator.PostAsync("free", new JsonObject { ["free_memory"] = true });
        var second = await emulator.SubmitAsync(Graphs.SavedImages(), "client");
        await client.WaitForJobEndAsync(second, TestContext.Current.CancellationToken);

        Assert.Empty(client.ForPrompt(second).Single(m => m.Type == "execution_cached").Data!["nodes"]!.AsArray());
    }
}
