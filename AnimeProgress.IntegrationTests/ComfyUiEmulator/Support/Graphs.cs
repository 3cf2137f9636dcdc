using System.Text.Json.Nodes;

namespace AnimeProgress.IntegrationTests.ComfyUiEmulator;

/// <summary>API-format prompts used by the tests.</summary>
internal static class Graphs
{
    /// <summary>Model-free: EmptyImage → SaveImageWebsocket (2) + SaveImage (3). Also runs on a real CPU ComfyUI.</summary>
    public static JsonObject Images(int batch = 4, int width = 64, int height = 48) => new()
    {
        ["1"] = Node("EmptyImage", new JsonObject { ["width"] = width, ["height"] = height, ["batch_size"] = batch, ["color"] = 255 }),
        ["2"] = Node("SaveImageWebsocket", new JsonObject { ["images"] = Link("1") }),
        ["3"] = Node("SaveImage", new JsonObject { ["images"] = Link("1"), ["filename_prefix"] = "ComfyUI" }),
    };

    /// <summary>EmptyImage → SaveImage only: fully cacheable.</summary>
    public static JsonObject SavedImages(int batch = 2, string prefix = "ComfyUI") => new()
    {
        ["1"] = Node("EmptyImage", new JsonObject { ["width"] = 32, ["height"] = 32, ["batch_size"] = batch, ["color"] = 0 }),
        ["2"] = Node("SaveImage", new JsonObject { ["images"] = Link("1"), ["filename_prefix"] = prefix }),
    };

    /// <summary>A text-to-image pipeline: checkpoint (1), prompts (2, 3), latent (4), KSampler (5), VAEDecode (6), SaveImage (7).</summary>
    public static JsonObject TextToImage(int steps = 8, int batch = 1, long seed = 42) => new()
    {
        ["1"] = Node("CheckpointLoaderSimple", new JsonObject { ["ckpt_name"] = "animagine-xl-4.0.safetensors" }),
        ["2"] = Node("CLIPTextEncode", new JsonObject { ["text"] = "a girl on a rooftop at dusk", ["clip"] = Link("1", 1) }),
        ["3"] = Node("CLIPTextEncode", new JsonObject { ["text"] = "blurry", ["clip"] = Link("1", 1) }),
        ["4"] = Node("EmptyLatentImage", new JsonObject { ["width"] = 1024, ["height"] = 1024, ["batch_size"] = batch }),
        ["5"] = Node("KSampler", new JsonObject
        {
            ["model"] = Link("1"),
            ["seed"] = seed,
            ["steps"] = steps,
            ["cfg"] = 7.0,
            ["sampler_name"] = "euler",
            ["scheduler"] = "normal",
            ["positive"] = Link("2"),
            ["negative"] = Link("3"),
            ["latent_image"] = Link("4"),
            ["denoise"] = 1.0,
        }),
        ["6"] = Node("VAEDecode", new JsonObject { ["samples"] = Link("5"), ["vae"] = Link("1", 2) }),
        ["7"] = Node("SaveImage", new JsonObject { ["images"] = Link("6"), ["filename_prefix"] = "ComfyUI" }),
    };

    /// <summary>
    /// A job that runs until interrupted or the server stops: a sampler with a huge step count
    /// (the KSampler is node 5). Use it to hold the worker busy.
    /// </summary>
    public static JsonObject LongRunning(long seed = 1) => TextToImage(steps: 10000, seed: seed);

    public static JsonObject Node(string classType, JsonObject inputs) => new() { ["class_type"] = classType, ["inputs"] = inputs };

    public static JsonArray Link(string node, int slot = 0) => [node, slot];
}
