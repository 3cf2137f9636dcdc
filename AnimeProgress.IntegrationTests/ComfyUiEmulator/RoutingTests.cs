using System.Text.Json.Nodes;

namespace AnimeProgress.IntegrationTests.ComfyUiEmulator;

/// <summary>Who receives which message (reference §2–§3).</summary>
public sealed class RoutingTests
{
    private static readonly string[] JobOnlyTypes =
        ["execution_start", "execution_cached", "executing", "executed", "execution_success", "progress", "progress_state"];

    [Fact]
    public async Task Job_messages_reach_only_the_submitting_client()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var submitter = await emulator.ConnectAsync("submitter");
        var watcher = await emulator.ConnectAsync("watcher");

        var promptId = await emulator.SubmitAsync(Graphs.Images(batch: 3), "submitter");
        await submitter.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);
        // The watcher hears the queue shrink back to zero, and that is all it hears.
        await watcher.WaitForEmptyQueueAsync(TestContext.Current.CancellationToken);

        Assert.Contains(submitter.Messages, m => m.Type == "execution_start");
        Assert.Contains(submitter.Messages, m => m.Type == "progress");
        Assert.Contains(submitter.Messages, m => m.IsBinary);
        Assert.All(watcher.Messages, m => Assert.Equal("status", m.Type));
    }

    [Fact]
    public async Task A_prompt_without_client_id_broadcasts_progress_but_not_its_start_or_end()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var watcher = await emulator.ConnectAsync("watcher");
        var other = await emulator.ConnectAsync(clientId: null);

        var promptId = await emulator.SubmitAsync(Graphs.Images(batch: 3), clientId: null);
        var history = await emulator.WaitForHistoryAsync(promptId);
        await watcher.WaitForEmptyQueueAsync(TestContext.Current.CancellationToken);

        foreach (var probe in new[] { watcher, other })
        {
            var types = probe.Messages.Select(m => m.ToString()).ToHashSet();
            Assert.Contains("progress", types);
            Assert.Contains("progress_state", types);
            Assert.Contains("binary1", types);
            Assert.DoesNotContain("execution_start", types);
            Assert.DoesNotContain("execution_cached", types);
            Assert.DoesNotContain("executing", types);
            Assert.DoesNotContain("executed", types);
            Assert.DoesNotContain("execution_success", types);
            Assert.All(probe.Messages.Where(m => m.Type == "progress"), m => Assert.Equal(promptId, m.PromptId));
        }
        // The outcome is still recorded.
        Assert.Equal("success", history["status"]!["status_str"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_interrupted_prompt_without_client_id_tells_everyone()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var watcher = await emulator.ConnectAsync("watcher");
        var promptId = await emulator.SubmitAsync(Graphs.LongRunning(), clientId: null);
        await watcher.WaitForAsync(m => m.Type == "progress", TestContext.Current.CancellationToken);

        await emulator.PostAsync("interrupt", new JsonObject());

        var interrupted = await watcher.WaitForAsync("execution_interrupted", TestContext.Current.CancellationToken);
        Assert.Equal(promptId, interrupted.PromptId);
        Assert.Equal("5", interrupted.Data!["node_id"]!.GetValue<string>());
        await emulator.WaitForHistoryAsync(promptId);
        Assert.DoesNotContain(watcher.Messages, m => m.Type is "executing" or "execution_start");
    }

    [Fact]
    public async Task The_greeting_echoes_the_client_id_or_makes_up_a_32_hex_one()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var named = await emulator.ConnectAsync("dashboard-7");
        var anonymous = await emulator.ConnectAsync(clientId: null);

        var greeting = named.Messages[0];
        Assert.Equal("status", greeting.Type);
        Assert.Equal("dashboard-7", greeting.Data!["sid"]!.GetValue<string>());
        Assert.Equal(0, (int)greeting.Data["status"]!["exec_info"]!["queue_remaining"]!);
        Assert.Matches("^[0-9a-f]{32}$", anonymous.Messages[0].Data!["sid"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_late_joiner_gets_the_queue_size_but_nothing_about_the_running_job()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var submitter = await emulator.ConnectAsync("submitter");
        var promptId = await emulator.SubmitAsync(Graphs.LongRunning(), "submitter");
        await emulator.SubmitAsync(Graphs.SavedImages(), "submitter");
        await submitter.WaitForAsync(m => m.Type == "progress", TestContext.Current.CancellationToken);

        var late = await emulator.ConnectAsync("late");
        await submitter.WaitForAsync(m => m.Type == "progress" && (int)m.Data!["value"]! >= 3, TestContext.Current.CancellationToken);

        Assert.Equal(2, (int)late.Messages[0].Data!["status"]!["exec_info"]!["queue_remaining"]!);
        Assert.All(late.Messages, m => Assert.Equal("status", m.Type));
        await emulator.PostAsync("interrupt", new JsonObject { ["prompt_id"] = promptId });
    }

    [Fact]
    public async Task Reconnecting_with_the_running_client_id_gets_the_current_node_without_prompt_id()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var first = await emulator.ConnectAsync("studio");
        var promptId = await emulator.SubmitAsync(Graphs.LongRunning(), "studio");
        await first.WaitForAsync(m => m.Type == "progress" && m.Data!["node"]!.GetValue<string>() == "5", TestContext.Current.CancellationToken);
        // Close the old socket first: closing it later would remove the new one's route (the §2 pitfall).
        await first.CloseAsync(TestContext.Current.CancellationToken);

        var second = await emulator.ConnectAsync("studio");
        var executing = await second.WaitForAsync("executing", TestContext.Current.CancellationToken);

        Assert.Equal("status", second.Messages[0].Type);
        Assert.Equal("executing", second.Messages[1].Type);
        Assert.Equal("5", executing.Data!["node"]!.GetValue<string>());
        Assert.False(executing.Data.ContainsKey("prompt_id"));
        Assert.False(executing.Data.ContainsKey("display_node"));
        // And the job's messages now flow to the new socket.
        await second.WaitForAsync(m => m.Type == "progress" && m.PromptId == promptId, TestContext.Current.CancellationToken);
        await emulator.PostAsync("interrupt", new JsonObject());
        await second.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Reusing_a_client_id_silences_the_old_socket()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var old = await emulator.ConnectAsync("shared");
        var replacement = await emulator.ConnectAsync("shared");
        var before = old.Messages.Count;

        var promptId = await emulator.SubmitAsync(Graphs.SavedImages(), "shared");
        await replacement.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        // Not even the status broadcasts reach the replaced socket, yet it stays open.
        Assert.Equal(before, old.Messages.Count);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, old.State);
    }

    [Fact]
    public async Task Closing_the_old_socket_after_reconnecting_silently_detaches_the_new_one()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var old = await emulator.ConnectAsync("shared");
        var replacement = await emulator.ConnectAsync("shared");
        var watcher = await emulator.ConnectAsync("watcher");

        await old.CloseAsync(TestContext.Current.CancellationToken);
        // The close has been handled once a later queue change is broadcast without reaching "shared".
        var promptId = await emulator.SubmitAsync(Graphs.SavedImages(), "shared");
        await emulator.WaitForHistoryAsync(promptId);
        await watcher.WaitForEmptyQueueAsync(TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, replacement.State);
        Assert.DoesNotContain(replacement.Messages, m => JobOnlyTypes.Contains(m.Type));
        Assert.Single(replacement.Messages); // only its own greeting
    }

    [Fact]
    public async Task Feature_flags_are_answered_only_when_sent_as_the_first_frame()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var first = await emulator.ConnectAsync("first");
        var late = await emulator.ConnectAsync("late");

        await first.SendTextAsync("""{"type":"feature_flags","data":{"supports_preview_metadata":true}}""", TestContext.Current.CancellationToken);
        await late.SendTextAsync("""{"type":"hello","data":{}}""", TestContext.Current.CancellationToken);
        await late.SendTextAsync("""{"type":"feature_flags","data":{"supports_preview_metadata":true}}""", TestContext.Current.CancellationToken);
        var reply = await first.WaitForAsync("feature_flags", TestContext.Current.CancellationToken);

        Assert.True(reply.Data!["supports_preview_metadata"]!.GetValue<bool>());
        Assert.Equal(104857600, (long)reply.Data["max_upload_size"]!);
        // A queue change proves the late socket's frames were read (frames are handled in order) and ignored.
        var promptId = await emulator.SubmitAsync(Graphs.SavedImages(), "late");
        await late.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(late.Messages, m => m.Type == "feature_flags");
        Assert.DoesNotContain(late.Messages, m => m.BinaryType == 4);
    }

    [Fact]
    public async Task Every_route_also_answers_under_the_api_prefix()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var socket = await emulator.ConnectAsync("api-client", path: "api/ws");

        var (status, body) = await emulator.PostAsync("api/prompt", new JsonObject { ["prompt"] = Graphs.SavedImages(), ["client_id"] = "api-client" });
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        var promptId = JsonNode.Parse(body)!["prompt_id"]!.GetValue<string>();
        await socket.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        foreach (var path in new[] { "api/queue", "api/history", "api/history/" + promptId, "api/prompt", "api/system_stats", "api/features", "api/object_info/KSampler" })
        {
            var json = await emulator.GetJsonAsync(path);
            Assert.NotEmpty(json);
        }
    }
}
