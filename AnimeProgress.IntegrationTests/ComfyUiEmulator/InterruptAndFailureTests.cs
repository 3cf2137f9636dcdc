using System.Text.Json.Nodes;

namespace AnimeProgress.IntegrationTests.ComfyUiEmulator;

/// <summary>POST /interrupt and the fail_node switch (reference §2.1, §5).</summary>
public sealed class InterruptAndFailureTests
{
    [Fact]
    public async Task A_global_interrupt_stops_the_running_prompt()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var promptId = await emulator.SubmitAsync(Graphs.LongRunning(), "client");
        await client.WaitForAsync(m => m.Type == "progress", TestContext.Current.CancellationToken);

        await emulator.PostAsync("interrupt", null);
        await client.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        var job = client.ForPrompt(promptId);
        var interrupted = job.Single(m => m.Type == "execution_interrupted");
        Assert.Equal("5", interrupted.Data!["node_id"]!.GetValue<string>());
        Assert.Equal("KSampler", interrupted.Data["node_type"]!.GetValue<string>());
        Assert.Equal(["1", "2", "3", "4"], interrupted.Data["executed"]!.AsArray().Select(n => n!.GetValue<string>()).Order());
        Assert.DoesNotContain(job, m => m.Type is "execution_success" or "execution_error");
        Assert.True(client.Messages[^1].IsExecutingNull);
        // The interrupted node is left "running" in the last progress_state: "error" is never sent.
        var lastState = job.Last(m => m.Type == "progress_state").Data!["nodes"]!["5"]!;
        Assert.Equal("running", lastState["state"]!.GetValue<string>());

        var history = await emulator.WaitForHistoryAsync(promptId);
        Assert.Equal("error", history["status"]!["status_str"]!.GetValue<string>());
        Assert.False(history["status"]!["completed"]!.GetValue<bool>());
        Assert.Equal("execution_interrupted", history["status"]!["messages"]!.AsArray()[^1]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task An_interrupt_by_prompt_id_stops_only_that_prompt_when_it_is_running()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var running = await emulator.SubmitAsync(Graphs.LongRunning(), "client");
        await client.WaitForAsync(m => m.Type == "progress", TestContext.Current.CancellationToken);
        var queued = await emulator.SubmitAsync(Graphs.SavedImages(), "client");

        // Naming a prompt that is only queued does nothing (and does not arm the flag for later).
        await emulator.PostAsync("interrupt", new JsonObject { ["prompt_id"] = queued });
        var progressBefore = client.Messages.Count(m => m.Type == "progress");
        await client.WaitForAsync(_ => client.Messages.Count(m => m.Type == "progress") >= progressBefore + 3, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(client.Messages, m => m.Type == "execution_interrupted");

        await emulator.PostAsync("interrupt", new JsonObject { ["prompt_id"] = running });
        await client.WaitForJobEndAsync(queued, TestContext.Current.CancellationToken);

        Assert.Contains(client.ForPrompt(running), m => m.Type == "execution_interrupted");
        Assert.Contains(client.ForPrompt(queued), m => m.Type == "execution_success");
    }

    [Fact]
    public async Task A_stray_interrupt_is_forgotten_when_the_next_prompt_starts()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");

        await emulator.PostAsync("interrupt", new JsonObject());
        var promptId = await emulator.SubmitAsync(Graphs.SavedImages(), "client");
        await client.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        Assert.Contains(client.ForPrompt(promptId), m => m.Type == "execution_success");
    }

    [Fact]
    public async Task A_failing_node_sends_execution_error_and_is_recorded_in_history()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var extra = new JsonObject
        {
            ["extra_data"] = new JsonObject { ["emulator"] = new JsonObject { ["fail_node"] = "6", ["fail_message"] = "CUDA out of memory" } },
        };

        var promptId = await emulator.SubmitAsync(Graphs.TextToImage(steps: 3), "client", extra);
        await client.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        var job = client.ForPrompt(promptId);
        var tail = job.SkipWhile(m => m.Type != "execution_error").Select(m => m.ToString());
        Assert.Equal(["execution_error", "executing"], tail);
        var error = job.Single(m => m.Type == "execution_error").Data!;
        Assert.Equal("6", error["node_id"]!.GetValue<string>());
        Assert.Equal("VAEDecode", error["node_type"]!.GetValue<string>());
        Assert.Equal("RuntimeError", error["exception_type"]!.GetValue<string>());
        Assert.Equal("CUDA out of memory\n", error["exception_message"]!.GetValue<string>());
        Assert.Equal(["1", "2", "3", "4", "5"], error["executed"]!.AsArray().Select(n => n!.GetValue<string>()).Order());
        Assert.NotEmpty(error["traceback"]!.AsArray());
        Assert.Equal(["samples", "vae"], error["current_inputs"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["1", "2", "3", "4", "5", "6", "7"], error["current_outputs"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.True(error["timestamp"]!.GetValue<long>() > 0);
        Assert.DoesNotContain(job, m => m.Type == "executing" && m.Data!["node"]?.GetValue<string>() == "7");

        var history = await emulator.WaitForHistoryAsync(promptId);
        Assert.Equal("error", history["status"]!["status_str"]!.GetValue<string>());
        var last = history["status"]!["messages"]!.AsArray()[^1]!;
        Assert.Equal("execution_error", last[0]!.GetValue<string>());
        Assert.Equal("CUDA out of memory\n", last[1]!["exception_message"]!.GetValue<string>());
        Assert.Equal("CUDA out of memory", history["prompt"]![3]!["emulator"]!["fail_message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_failing_sampler_stops_halfway_through_its_steps()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var extra = new JsonObject { ["extra_data"] = new JsonObject { ["emulator"] = new JsonObject { ["fail_node"] = "5" } } };

        var promptId = await emulator.SubmitAsync(Graphs.TextToImage(steps: 10), "client", extra);
        await client.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        Assert.Equal(5, client.Messages.Count(m => m.Type == "progress"));
        Assert.Contains(client.Messages, m => m.Type == "execution_error" && m.Data!["current_inputs"]!["steps"]![0]!.GetValue<int>() == 10);
    }

    [Fact]
    public async Task A_failed_prompt_without_client_id_is_silent_but_in_history()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var watcher = await emulator.ConnectAsync("watcher");
        var extra = new JsonObject { ["extra_data"] = new JsonObject { ["emulator"] = new JsonObject { ["fail_node"] = "2" } } };

        var promptId = await emulator.SubmitAsync(Graphs.Images(batch: 4), clientId: null, extra);
        var history = await emulator.WaitForHistoryAsync(promptId);
        await watcher.WaitForEmptyQueueAsync(TestContext.Current.CancellationToken);

        Assert.DoesNotContain(watcher.Messages, m => m.Type == "execution_error");
        Assert.Equal(2, watcher.Messages.Count(m => m.Type == "progress"));
        Assert.Equal("execution_error", history["status"]!["messages"]!.AsArray()[^1]![0]!.GetValue<string>());
    }
}
