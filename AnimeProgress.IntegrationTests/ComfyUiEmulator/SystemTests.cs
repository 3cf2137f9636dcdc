using System.Text.Json.Nodes;

namespace AnimeProgress.IntegrationTests.ComfyUiEmulator;

/// <summary>/system_stats, /features, /object_info and restarts.</summary>
public sealed class SystemTests
{
    [Fact]
    public async Task System_stats_has_the_documented_shape()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var stats = await emulator.GetJsonAsync("system_stats");

        var system = stats["system"]!;
        Assert.Equal("posix", system["os"]!.GetValue<string>());
        Assert.Equal("0.3.64", system["comfyui_version"]!.GetValue<string>());
        Assert.True((long)system["ram_total"]! >= (long)system["ram_free"]!);
        Assert.False(system["embedded_python"]!.GetValue<bool>());
        Assert.NotEmpty(system["python_version"]!.GetValue<string>());
        Assert.NotEmpty(system["pytorch_version"]!.GetValue<string>());
        Assert.Contains(emulator.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), system["argv"]!.AsArray().Select(a => a!.GetValue<string>()));
        var device = Assert.Single(stats["devices"]!.AsArray())!;
        Assert.Equal("cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync", device["name"]!.GetValue<string>());
        Assert.Equal("cuda", device["type"]!.GetValue<string>());
        Assert.Equal(0, (int)device["index"]!);
        Assert.Equal(24L * 1024 * 1024 * 1024, (long)device["vram_total"]!);
        Assert.InRange((long)device["vram_free"]!, 1, (long)device["vram_total"]!);
        Assert.True(device.AsObject().ContainsKey("torch_vram_total"));
        Assert.True(device.AsObject().ContainsKey("torch_vram_free"));
    }

    [Fact]
    public async Task Free_vram_drops_while_models_are_loaded_and_recovers_after_the_job()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var idle = await VramFreeAsync(emulator);

        var promptId = await emulator.SubmitAsync(Graphs.LongRunning(), "client");
        await client.WaitForAsync(m => m.Type == "progress", TestContext.Current.CancellationToken);
        var busy = await VramFreeAsync(emulator);
        await emulator.PostAsync("interrupt", new JsonObject());
        await client.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);
        var after = await VramFreeAsync(emulator);

        // A 6.9 GiB checkpoint plus sampling memory is loaded while the sampler runs.
        Assert.True(idle - busy > 7L * 1024 * 1024 * 1024, $"idle {idle}, busy {busy}");
        Assert.Equal(idle, after);
    }

    [Fact]
    public async Task Features_match_the_websocket_reply()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var socket = await emulator.ConnectWithPreviewMetadataAsync("client");

        var features = await emulator.GetJsonAsync("features");

        Assert.Equal("""{"supports_preview_metadata":true,"max_upload_size":104857600}""", features.ToJsonString());
        Assert.Equal(features.ToJsonString(), socket.Messages.Single(m => m.Type == "feature_flags").Data!.ToJsonString());
    }

    [Fact]
    public async Task Object_info_describes_known_classes_and_is_empty_for_unknown_ones()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var all = await emulator.GetJsonAsync("object_info");
        var sampler = (await emulator.GetJsonAsync("object_info/KSampler"))["KSampler"]!;
        var unknown = await emulator.GetJsonAsync("object_info/NoSuchNode");

        Assert.Empty(unknown);
        foreach (var name in new[] { "CheckpointLoaderSimple", "UNETLoader", "CLIPTextEncode", "EmptyHunyuanLatentVideo", "KSamplerAdvanced",
                     "SamplerCustom", "VAEDecodeTiled", "ImageUpscaleWithModel", "RIFE VFI", "VHS_VideoCombine", "SaveVideo", "SaveImageWebsocket" })
        {
            Assert.True(all.ContainsKey(name), name);
        }
        Assert.Equal("""["INT",{"default":20,"min":1,"max":10000}]""", sampler["input"]!["required"]!["steps"]!.ToJsonString());
        Assert.Equal(["LATENT"], sampler["output"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.False(sampler["output_node"]!.GetValue<bool>());
        Assert.Equal("sampling", sampler["category"]!.GetValue<string>());
        Assert.Equal("model", sampler["input_order"]!["required"]![0]!.GetValue<string>());
        Assert.True(all["SaveImage"]!["output_node"]!.GetValue<bool>());
        Assert.Equal("batch_size", all["EmptyLatentImage"]!["input_order"]!["required"]![2]!.GetValue<string>());
        Assert.Equal(16384, (int)all["EmptyHunyuanLatentVideo"]!["input"]!["required"]!["length"]![1]!["max"]!);
    }

    [Fact]
    public async Task The_server_can_restart_on_the_same_port_and_forgets_everything()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var port = emulator.Server.Port;
        var running = await emulator.SubmitAsync(Graphs.LongRunning(), "client");
        await client.WaitForAsync(m => m.Type == "progress", TestContext.Current.CancellationToken);

        await emulator.RestartAsync();

        // The old socket was closed by the server, the port is the same, and the state is gone.
        await client.WaitForCloseAsync(TestContext.Current.CancellationToken);
        Assert.Equal(port, emulator.Server.Port);
        var queue = await emulator.GetJsonAsync("queue");
        Assert.Empty(queue["queue_running"]!.AsArray());
        Assert.Empty(await emulator.GetJsonAsync("history/" + running));
        var again = await emulator.ConnectAsync("client");
        var promptId = await emulator.SubmitAsync(Graphs.SavedImages(), "client");
        await again.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);
        Assert.Equal(0, (int)(await emulator.GetJsonAsync("history/" + promptId))[promptId]!["prompt"]![0]!);
    }

    private static async Task<long> VramFreeAsync(EmulatorHarness emulator) =>
        (long)(await emulator.GetJsonAsync("system_stats"))["devices"]![0]!["vram_free"]!;
}
