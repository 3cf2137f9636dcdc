using System.Text.Json.Nodes;

namespace AnimeProgress.IntegrationTests.ComfyUiEmulator;

/// <summary>The order and content of a job's messages as its submitter sees them (reference §4, §6).</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task The_submitter_sees_the_documented_lifecycle_order()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");

        var promptId = await emulator.SubmitAsync(Graphs.Images(batch: 2), "client");
        await client.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        var sequence = string.Join(" ", client.Messages.Skip(1).Select(m => m.ToString()));
        const string expected =
            "status status execution_start execution_cached "
            + "progress_state executing progress_state "                                 // node 1 EmptyImage
            + "progress_state executing progress_state progress binary1 progress_state progress binary1 progress_state " // node 2 SaveImageWebsocket
            + "progress_state executing executed progress_state "                        // node 3 SaveImage
            + "execution_success status executing";
        Assert.Equal(expected, sequence);

        var statuses = client.Messages.Skip(1).Where(m => m.Type == "status").Select(m => (int)m.Data!["status"]!["exec_info"]!["queue_remaining"]!).ToList();
        Assert.Equal([1, 1, 0], statuses);
        Assert.True(client.Messages[^1].IsExecutingNull);
        Assert.False(client.Messages[^1].Data!.ContainsKey("display_node"));
    }

    [Fact]
    public async Task Executing_announces_each_node_with_display_node_and_prompt_id()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");

        var promptId = await emulator.SubmitAsync(Graphs.TextToImage(steps: 3), "client");
        await client.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        var executing = client.Messages.Where(m => m.Type == "executing" && !m.IsExecutingNull).ToList();
        Assert.Equal(7, executing.Count);
        Assert.All(executing, m =>
        {
            Assert.Equal(promptId, m.PromptId);
            Assert.Equal(m.Data!["node"]!.GetValue<string>(), m.Data["display_node"]!.GetValue<string>());
        });
        var order = executing.Select(m => m.Data!["node"]!.GetValue<string>()).ToList();
        // Dependencies always run first.
        Assert.True(order.IndexOf("1") < order.IndexOf("2"));
        Assert.True(order.IndexOf("4") < order.IndexOf("5"));
        Assert.True(order.IndexOf("5") < order.IndexOf("6"));
        Assert.Equal("7", order[^1]);
        var success = await client.WaitForAsync("execution_success", TestContext.Current.CancellationToken);
        Assert.True(success.Data!["timestamp"]!.GetValue<long>() > 1_700_000_000_000);
    }

    [Fact]
    public async Task Sampler_progress_counts_steps_from_one_to_max()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");

        var promptId = await emulator.SubmitAsync(Graphs.TextToImage(steps: 6), "client");
        await client.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        var progress = client.Messages.Where(m => m.Type == "progress").ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6], progress.Select(m => (int)m.Data!["value"]!));
        Assert.All(progress, m =>
        {
            Assert.Equal(6, (int)m.Data!["max"]!);
            Assert.Equal("5", m.Data["node"]!.GetValue<string>());
            Assert.Equal(promptId, m.PromptId);
        });
        // Each sampler step carries a JPEG preview (type 1, format 1) right after its progress.
        var previews = client.Messages.Where(m => m.BinaryType == 1).ToList();
        Assert.Equal(6, previews.Count);
        Assert.All(previews, p => Assert.Equal(1u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(p.Binary.AsSpan(4))));
    }

    [Fact]
    public async Task SaveImageWebsocket_reports_one_step_per_image_and_never_reaches_max()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");

        var promptId = await emulator.SubmitAsync(Graphs.Images(batch: 5), "client");
        await client.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        var progress = client.Messages.Where(m => m.Type == "progress").ToList();
        Assert.Equal([0, 1, 2, 3, 4], progress.Select(m => (int)m.Data!["value"]!));
        Assert.All(progress, m => Assert.Equal(5, (int)m.Data!["max"]!));
        Assert.DoesNotContain(client.Messages, m => m.Type == "executed" && m.Data!["node"]!.GetValue<string>() == "2");
    }

    [Fact]
    public async Task Progress_state_is_cumulative_and_ends_with_every_node_finished()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");

        var promptId = await emulator.SubmitAsync(Graphs.Images(batch: 2), "client");
        await client.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        var states = client.Messages.Where(m => m.Type == "progress_state").Select(m => m.Data!["nodes"]!.AsObject()).ToList();
        for (var i = 1; i < states.Count; i++)
        {
            Assert.True(states[i].Count >= states[i - 1].Count, "progress_state lost a node");
        }
        var last = states[^1];
        Assert.Equal(["1", "2", "3"], last.Select(p => p.Key).Order());
        foreach (var (id, node) in last)
        {
            Assert.Equal("finished", node!["state"]!.GetValue<string>());
            Assert.Equal((double)node["max"]!, (double)node["value"]!);
            Assert.Equal(id, node["node_id"]!.GetValue<string>());
            Assert.Equal(id, node["display_node_id"]!.GetValue<string>());
            Assert.Equal(id, node["real_node_id"]!.GetValue<string>());
            Assert.Null(node["parent_node_id"]);
            Assert.Equal(promptId, node["prompt_id"]!.GetValue<string>());
        }
        // A node that just started is "running" at 0.0 of 1.0, written as floats like Python does.
        var firstStart = client.Messages.First(m => m.Type == "progress_state").Data!["nodes"]!["1"]!;
        Assert.Equal("running", firstStart["state"]!.GetValue<string>());
        Assert.Equal("0.0", firstStart["value"]!.ToJsonString());
        Assert.Equal("1.0", firstStart["max"]!.ToJsonString());
    }

    [Fact]
    public async Task Rerunning_the_same_prompt_is_fully_cached_and_replays_outputs()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var first = await emulator.SubmitAsync(Graphs.SavedImages(batch: 2), "client");
        await client.WaitForJobEndAsync(first, TestContext.Current.CancellationToken);
        var firstOutput = client.Messages.Single(m => m.Type == "executed").Data!["output"]!.ToJsonString();

        var second = await emulator.SubmitAsync(Graphs.SavedImages(batch: 2), "client");
        await client.WaitForJobEndAsync(second, TestContext.Current.CancellationToken);

        var rerun = client.ForPrompt(second);
        Assert.Equal("execution_start execution_cached executed progress_state execution_success executing",
            string.Join(" ", rerun.Select(m => m.ToString())));
        Assert.Equal(["1", "2"], rerun[1].Data!["nodes"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(firstOutput, rerun[2].Data!["output"]!.ToJsonString());
        // Cached outputs are finished 1 of 1, as ints.
        var cachedState = rerun[3].Data!["nodes"]!["2"]!;
        Assert.Equal("1", cachedState["value"]!.ToJsonString());
        var history = await emulator.WaitForHistoryAsync(second);
        Assert.Equal(firstOutput, history["outputs"]!["2"]!.ToJsonString());
    }

    [Fact]
    public async Task SaveImageWebsocket_never_comes_from_cache()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var first = await emulator.SubmitAsync(Graphs.Images(batch: 2), "client");
        await client.WaitForJobEndAsync(first, TestContext.Current.CancellationToken);

        var second = await emulator.SubmitAsync(Graphs.Images(batch: 2), "client");
        await client.WaitForJobEndAsync(second, TestContext.Current.CancellationToken);

        var rerun = client.ForPrompt(second);
        var cached = rerun.Single(m => m.Type == "execution_cached").Data!["nodes"]!.AsArray().Select(n => n!.GetValue<string>());
        Assert.Equal(["1", "3"], cached);
        Assert.Equal(["2"], rerun.Where(m => m.Type == "executing" && !m.IsExecutingNull).Select(m => m.Data!["node"]!.GetValue<string>()));
        Assert.Equal(2, rerun.Count(m => m.Type == "progress"));
    }

    [Fact]
    public async Task Changing_an_input_reruns_that_node_and_everything_after_it()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var first = await emulator.SubmitAsync(Graphs.TextToImage(steps: 2, seed: 1), "client");
        await client.WaitForJobEndAsync(first, TestContext.Current.CancellationToken);

        var second = await emulator.SubmitAsync(Graphs.TextToImage(steps: 2, seed: 2), "client");
        await client.WaitForJobEndAsync(second, TestContext.Current.CancellationToken);

        var rerun = client.ForPrompt(second);
        Assert.Equal(["1", "2", "3", "4"], rerun.Single(m => m.Type == "execution_cached").Data!["nodes"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["5", "6", "7"], rerun.Where(m => m.Type == "executing" && !m.IsExecutingNull).Select(m => m.Data!["node"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Only_the_nodes_that_outputs_depend_on_run()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var prompt = Graphs.SavedImages();
        prompt["9"] = Graphs.Node("EmptyLatentImage", new JsonObject { ["width"] = 512, ["height"] = 512, ["batch_size"] = 1 });

        var promptId = await emulator.SubmitAsync(prompt, "client");
        await client.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        Assert.DoesNotContain(client.Messages, m => m.Type == "executing" && m.Data!["node"]?.GetValue<string>() == "9");
    }

    [Fact]
    public async Task Video_savers_report_animated_files()
    {
        await using var emulator = await EmulatorHarness.StartAsync(timeScale: 0.02);
        var client = await emulator.ConnectAsync("client");
        var prompt = new JsonObject
        {
            ["1"] = Graphs.Node("EmptyImage", new JsonObject { ["width"] = 64, ["height"] = 64, ["batch_size"] = 12, ["color"] = 0 }),
            ["2"] = Graphs.Node("RIFE VFI", new JsonObject
            {
                ["ckpt_name"] = "rife47.pth", ["frames"] = Graphs.Link("1"), ["clear_cache_after_n_frames"] = 10, ["multiplier"] = 2,
                ["fast_mode"] = true, ["ensemble"] = true, ["scale_factor"] = "1.0",
            }),
            ["3"] = Graphs.Node("VHS_VideoCombine", new JsonObject
            {
                ["images"] = Graphs.Link("2"), ["frame_rate"] = 24.0, ["loop_count"] = 0, ["filename_prefix"] = "AnimeClip",
                ["format"] = "video/h264-mp4", ["pingpong"] = false, ["save_output"] = true,
            }),
            ["4"] = Graphs.Node("CreateVideo", new JsonObject { ["images"] = Graphs.Link("2"), ["fps"] = 24.0 }),
            ["5"] = Graphs.Node("SaveVideo", new JsonObject { ["video"] = Graphs.Link("4"), ["filename_prefix"] = "video/ComfyUI", ["format"] = "auto", ["codec"] = "auto" }),
            ["6"] = Graphs.Node("SaveAnimatedWEBP", new JsonObject
            {
                ["images"] = Graphs.Link("1"), ["filename_prefix"] = "ComfyUI", ["fps"] = 6.0, ["lossless"] = false, ["quality"] = 80, ["method"] = "default",
            }),
        };

        var promptId = await emulator.SubmitAsync(prompt, "client");
        await client.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        JsonNode Output(string node) => client.Messages.Single(m => m.Type == "executed" && m.Data!["node"]!.GetValue<string>() == node).Data!["output"]!;
        var gif = Output("3")["gifs"]![0]!;
        Assert.Equal("AnimeClip_00001.mp4", gif["filename"]!.GetValue<string>());
        Assert.Equal("video/h264-mp4", gif["format"]!.GetValue<string>());
        var video = Output("5");
        Assert.Equal("ComfyUI_00001_.mp4", video["images"]![0]!["filename"]!.GetValue<string>());
        Assert.Equal("video", video["images"]![0]!["subfolder"]!.GetValue<string>());
        Assert.True(video["animated"]![0]!.GetValue<bool>());
        Assert.EndsWith(".webp", Output("6")["images"]![0]!["filename"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_filenames_count_up_like_ComfyUI()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var first = await emulator.SubmitAsync(Graphs.SavedImages(batch: 2, prefix: "anime/shot"), "client");
        await client.WaitForJobEndAsync(first, TestContext.Current.CancellationToken);
        var second = await emulator.SubmitAsync(Graphs.SavedImages(batch: 1, prefix: "anime/shot"), "client");
        await client.WaitForJobEndAsync(second, TestContext.Current.CancellationToken);

        var files = client.Messages.Where(m => m.Type == "executed")
            .SelectMany(m => m.Data!["output"]!["images"]!.AsArray())
            .Select(f => (f!["filename"]!.GetValue<string>(), f["subfolder"]!.GetValue<string>(), f["type"]!.GetValue<string>()))
            .ToList();
        Assert.Equal(
            [("shot_00001_.png", "anime", "output"), ("shot_00002_.png", "anime", "output"), ("shot_00003_.png", "anime", "output")],
            files);
    }
}
