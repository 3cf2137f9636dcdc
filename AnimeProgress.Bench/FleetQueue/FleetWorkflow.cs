using System.Text.Json.Nodes;
using AnimeProgress.Web.Demo;

namespace AnimeProgress.Bench.FleetQueue;

/// <summary>
/// The graph each job sends: the demo's text-to-video graph at 10 steps, whose frame count sets how long it runs (the
/// emulator's sampler, decoder and video writer all scale with frames), so one node model covers 10 s and 10 min without
/// thousands of preview steps. Upscales add <c>UpscaleModelLoader</c> (4x-UltraSharp.pth) + <c>ImageUpscaleWithModel</c>.
/// The sampler's seed carries the job's number, which is how the bench finds every prompt of a job on the emulators.
/// </summary>
internal static class FleetWorkflow
{
    public const int SeedBase = 1_600_000;
    private const int Steps = 10;

    // Emulator node seconds at time scale 1 (see the emulator's README), per extra frame and fixed.
    private const double SamplerPerFrame = Steps * 0.25 * 0.025;
    private const double DecodePerFrame = 0.02;
    private const double CombinePerFrame = 0.005;
    private const double UpscalePerFrame = 0.12 * 2; // 848×480 is 2 tiles of 512².
    private const double Fixed = (Steps * 0.25) + 1.0 + 1.5 + 0.05 + 0.3 + 0.3;

    /// <summary>The frame count (1 + 4k, as the video latent takes it) whose simulated run is closest to the job's seconds.</summary>
    public static int Frames(FleetJob job)
    {
        var perFrame = SamplerPerFrame + DecodePerFrame + CombinePerFrame + (job.Kind == FleetJobKind.Upscale ? UpscalePerFrame : 0);
        var extra = Math.Max(0, (job.Seconds - Fixed) / perFrame);
        return 1 + (4 * (int)Math.Round(extra / 4));
    }

    public static JsonObject Graph(FleetJob job)
    {
        var graph = DemoWorkflows.Video($"fleet-{job.Index}", Frames(job), Steps, SeedBase + job.Index).Workflow;
        if (job.Kind == FleetJobKind.Upscale)
        {
            graph["10"] = new JsonObject { ["class_type"] = "UpscaleModelLoader", ["inputs"] = new JsonObject { ["model_name"] = FleetJob.UpscaleModel } };
            graph["11"] = new JsonObject
            {
                ["class_type"] = "ImageUpscaleWithModel",
                ["inputs"] = new JsonObject { ["upscale_model"] = new JsonArray("10", 0), ["image"] = new JsonArray("8", 0) },
            };
            graph["9"]!["inputs"]!["images"] = new JsonArray("11", 0);
        }

        return graph;
    }

    /// <summary>The job number a graph carries, or null for a graph the bench did not send.</summary>
    public static int? JobIndex(JsonNode? graph) =>
        graph?["3"]?["inputs"]?["seed"] is JsonValue seed && long.TryParse(seed.ToJsonString(), out var value) && value >= SeedBase ? (int)(value - SeedBase) : null;
}
