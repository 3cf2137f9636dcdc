using System.Net;
using System.Text.Json.Nodes;

namespace AnimeProgress.IntegrationTests.ComfyUiEmulator;

/// <summary>POST /prompt validation and numbering (reference §5).</summary>
public sealed class ValidationTests
{
    [Fact]
    public async Task A_body_without_prompt_is_rejected_as_no_prompt()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var (status, body) = await emulator.PostPromptAsync(new JsonObject { ["client_id"] = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("no_prompt", body["error"]!["type"]!.GetValue<string>());
        Assert.Equal("No prompt provided", body["error"]!["message"]!.GetValue<string>());
        Assert.Empty(body["node_errors"]!.AsObject());
    }

    [Fact]
    public async Task An_unknown_class_type_is_rejected_as_invalid_prompt()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var (status, body) = await emulator.PostPromptAsync(new JsonObject
        {
            ["prompt"] = new JsonObject { ["1"] = Graphs.Node("NoSuchNode", []) },
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = body["error"]!;
        Assert.Equal("invalid_prompt", error["type"]!.GetValue<string>());
        Assert.Equal("Cannot execute because node NoSuchNode does not exist.", error["message"]!.GetValue<string>());
        Assert.Equal("Node ID '#1'", error["details"]!.GetValue<string>());
        Assert.Empty(error["extra_info"]!.AsObject());
    }

    [Fact]
    public async Task A_prompt_without_output_nodes_is_rejected()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var prompt = Graphs.SavedImages();
        prompt.Remove("2");

        var (status, body) = await emulator.PostPromptAsync(new JsonObject { ["prompt"] = prompt });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("prompt_no_outputs", body["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Out_of_range_and_missing_inputs_are_reported_per_node()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var prompt = Graphs.TextToImage();
        prompt["4"]!["inputs"]!["width"] = 0;
        prompt["5"]!["inputs"]!["steps"] = 20000;
        prompt["5"]!["inputs"]!.AsObject().Remove("cfg");

        var (status, body) = await emulator.PostPromptAsync(new JsonObject { ["prompt"] = prompt });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("prompt_outputs_failed_validation", body["error"]!["type"]!.GetValue<string>());
        var latent = body["node_errors"]!["4"]!;
        Assert.Equal("EmptyLatentImage", latent["class_type"]!.GetValue<string>());
        Assert.Equal(["7"], latent["dependent_outputs"]!.AsArray().Select(n => n!.GetValue<string>()));
        var tooSmall = latent["errors"]![0]!;
        Assert.Equal("value_smaller_than_min", tooSmall["type"]!.GetValue<string>());
        Assert.Equal("Value 0 smaller than min of 16", tooSmall["message"]!.GetValue<string>());
        Assert.Equal("width", tooSmall["details"]!.GetValue<string>());
        Assert.Equal("""["INT",{"default":512,"min":16,"max":16384,"step":8}]""", tooSmall["extra_info"]!["input_config"]!.ToJsonString());
        Assert.Equal(0, (int)tooSmall["extra_info"]!["received_value"]!);

        var sampler = body["node_errors"]!["5"]!["errors"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.Contains("value_bigger_than_max", sampler);
        Assert.Contains("required_input_missing", sampler);
        // Nodes that are invalid only because of an upstream error are not listed.
        Assert.False(body["node_errors"]!.AsObject().ContainsKey("6"));
        Assert.False(body["node_errors"]!.AsObject().ContainsKey("7"));
    }

    [Fact]
    public async Task A_partially_valid_prompt_runs_only_its_valid_outputs()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = await emulator.ConnectAsync("client");
        var prompt = Graphs.SavedImages();
        prompt["3"] = Graphs.Node("EmptyImage", new JsonObject { ["width"] = 8, ["height"] = 99999, ["batch_size"] = 1, ["color"] = 0 });
        prompt["4"] = Graphs.Node("SaveImage", new JsonObject { ["images"] = Graphs.Link("3"), ["filename_prefix"] = "bad" });

        var (status, body) = await emulator.PostPromptAsync(new JsonObject { ["prompt"] = prompt, ["client_id"] = "client" });

        Assert.Equal(HttpStatusCode.OK, status);
        var errors = body["node_errors"]!["3"]!;
        Assert.Equal("value_bigger_than_max", errors["errors"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(["4"], errors["dependent_outputs"]!.AsArray().Select(n => n!.GetValue<string>()));
        var promptId = body["prompt_id"]!.GetValue<string>();
        await client.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);
        var ran = client.Messages.Where(m => m.Type == "executing" && !m.IsExecutingNull).Select(m => m.Data!["node"]!.GetValue<string>());
        Assert.Equal(["1", "2"], ran);
        var history = await emulator.WaitForHistoryAsync(promptId);
        Assert.Equal(["2"], history["prompt"]![4]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task Every_post_uses_up_a_number_even_when_validation_fails()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var (_, first) = await emulator.PostPromptAsync(new JsonObject { ["prompt"] = Graphs.SavedImages() });
        await emulator.PostPromptAsync(new JsonObject { ["prompt"] = new JsonObject { ["1"] = Graphs.Node("Nope", []) } });
        await emulator.PostPromptAsync(new JsonObject());
        var (_, fourth) = await emulator.PostPromptAsync(new JsonObject { ["prompt"] = Graphs.SavedImages() });
        var (_, explicitNumber) = await emulator.PostPromptAsync(new JsonObject { ["prompt"] = Graphs.SavedImages(), ["number"] = 5 });
        var (_, fifth) = await emulator.PostPromptAsync(new JsonObject { ["prompt"] = Graphs.SavedImages() });

        Assert.Equal(0, (int)first["number"]!);
        Assert.Equal(3, (int)fourth["number"]!);
        // An explicit number does not use the counter and comes back as a float.
        Assert.Equal("5.0", explicitNumber["number"]!.ToJsonString());
        Assert.Equal(4, (int)fifth["number"]!);
    }

    [Fact]
    public async Task A_client_prompt_id_is_kept_and_literals_are_converted_like_python()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var prompt = Graphs.SavedImages();
        prompt["1"]!["inputs"]!["batch_size"] = "3";

        var (status, body) = await emulator.PostPromptAsync(new JsonObject { ["prompt"] = prompt, ["prompt_id"] = "my-own-id" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("my-own-id", body["prompt_id"]!.GetValue<string>());
        var history = await emulator.WaitForHistoryAsync("my-own-id");
        Assert.Equal("3", history["prompt"]![2]!["1"]!["inputs"]!["batch_size"]!.ToJsonString());
        Assert.Equal(3, history["outputs"]!["2"]!["images"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_link_of_the_wrong_type_and_a_bad_combo_value_are_rejected()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var prompt = Graphs.TextToImage();
        prompt["6"]!["inputs"]!["vae"] = Graphs.Link("1", 0); // MODEL into a VAE socket
        prompt["5"]!["inputs"]!["sampler_name"] = "warp_drive";

        var (status, body) = await emulator.PostPromptAsync(new JsonObject { ["prompt"] = prompt });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("return_type_mismatch", body["node_errors"]!["6"]!["errors"]![0]!["type"]!.GetValue<string>());
        var combo = body["node_errors"]!["5"]!["errors"]![0]!;
        Assert.Equal("value_not_in_list", combo["type"]!.GetValue<string>());
        Assert.StartsWith("sampler_name: 'warp_drive' not in", combo["details"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
