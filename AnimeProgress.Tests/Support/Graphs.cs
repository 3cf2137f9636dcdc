using System.Text.Json.Nodes;

namespace AnimeProgress.Tests.Support;

/// <summary>Small API-format graphs for tests.</summary>
internal static class Graphs
{
    /// <summary>loader(4) → encode(6,7) → latent(5) → sampler(3, steps) → decode(8) → save(9).</summary>
    public static JsonObject Txt2Img(int steps = 20, string latentClass = "EmptyLatentImage", int? frames = null)
    {
        var latentInputs = frames is { } f
            ? new JsonObject { ["width"] = 512, ["height"] = 512, ["length"] = f, ["batch_size"] = 1 }
            : new JsonObject { ["width"] = 512, ["height"] = 512, ["batch_size"] = 1 };
        return new JsonObject
        {
            ["4"] = Node("CheckpointLoaderSimple", new JsonObject { ["ckpt_name"] = "model.safetensors" }),
            ["6"] = Node("CLIPTextEncode", new JsonObject { ["text"] = "a", ["clip"] = Link("4", 1) }),
            ["7"] = Node("CLIPTextEncode", new JsonObject { ["text"] = "b", ["clip"] = Link("4", 1) }),
            ["5"] = Node(latentClass, latentInputs),
            ["3"] = Node("KSampler", new JsonObject
            {
                ["seed"] = 1, ["steps"] = steps, ["cfg"] = 7.0, ["sampler_name"] = "euler", ["scheduler"] = "normal", ["denoise"] = 1.0,
                ["model"] = Link("4", 0), ["positive"] = Link("6", 0), ["negative"] = Link("7", 0), ["latent_image"] = Link("5", 0),
            }),
            ["8"] = Node("VAEDecode", new JsonObject { ["samples"] = Link("3", 0), ["vae"] = Link("4", 2) }),
            ["9"] = Node("SaveImage", new JsonObject { ["filename_prefix"] = "t", ["images"] = Link("8", 0) }),
        };
    }

    public static JsonObject Node(string classType, JsonObject inputs) => new() { ["class_type"] = classType, ["inputs"] = inputs };

    public static JsonArray Link(string node, int slot) => [node, slot];
}
