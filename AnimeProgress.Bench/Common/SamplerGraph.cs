using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AnimeProgress.Bench.Common;

/// <summary>The benches' ComfyUI workload: a text-to-image graph whose sampler sends progress, progress_state and a preview per step.</summary>
internal static class SamplerGraph
{
    public static JsonObject Of(int steps, int seed, string filenamePrefix) => new()
    {
        ["1"] = Node("CheckpointLoaderSimple", new JsonObject { ["ckpt_name"] = "animagine-xl-4.0.safetensors" }),
        ["2"] = Node("CLIPTextEncode", new JsonObject { ["text"] = filenamePrefix, ["clip"] = new JsonArray("1", 1) }),
        ["3"] = Node("EmptyLatentImage", new JsonObject { ["width"] = 512, ["height"] = 512, ["batch_size"] = 1 }),
        ["4"] = Node("KSampler", new JsonObject
        {
            ["model"] = new JsonArray("1", 0), ["seed"] = seed, ["steps"] = steps, ["cfg"] = 7.0, ["sampler_name"] = "euler",
            ["scheduler"] = "normal", ["positive"] = new JsonArray("2", 0), ["negative"] = new JsonArray("2", 0),
            ["latent_image"] = new JsonArray("3", 0), ["denoise"] = 1.0,
        }),
        ["5"] = Node("VAEDecode", new JsonObject { ["samples"] = new JsonArray("4", 0), ["vae"] = new JsonArray("1", 2) }),
        ["6"] = Node("SaveImage", new JsonObject { ["images"] = new JsonArray("5", 0), ["filename_prefix"] = filenamePrefix }),
    };

    /// <summary>Polls an instance's <c>/queue</c> until nothing runs or waits there.</summary>
    public static async Task WaitForEmptyQueueAsync(HttpClient http, Uri comfy, CancellationToken cancellationToken)
    {
        while (true)
        {
            var queue = await http.GetFromJsonAsync<JsonObject>(new Uri(comfy, "queue"), cancellationToken);
            if (queue!["queue_running"]!.AsArray().Count == 0 && queue["queue_pending"]!.AsArray().Count == 0)
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static JsonObject Node(string classType, JsonObject inputs) => new() { ["class_type"] = classType, ["inputs"] = inputs };
}
