using AnimeProgress.ComfyUiEmulator.Simulation;

namespace AnimeProgress.ComfyUiEmulator.NodeCatalog;

/// <summary>Sources of images and latents. They decide the frame count everything downstream works on.</summary>
internal static class LatentNodes
{
    public static IEnumerable<NodeDefinition> All()
    {
        yield return new NodeDefinition
        {
            ClassType = "EmptyLatentImage",
            DisplayName = "Empty Latent Image",
            Category = "latent",
            Description = "Create a new batch of empty latent images to be denoised via sampling.",
            Required = [InputSpec.Int("width", 512, 16, 16384, 8), InputSpec.Int("height", 512, 16, 16384, 8),
                        InputSpec.Int("batch_size", 1, 1, 4096)],
            OutputTypes = ["LATENT"],
            Simulate = c => Source(0.02, c.Int("batch_size", 1), c.Int("width", 512), c.Int("height", 512)),
        };
        yield return new NodeDefinition
        {
            ClassType = "EmptyImage",
            DisplayName = "EmptyImage",
            Category = "image",
            Required = [InputSpec.Int("width", 512, 1, 16384, 1), InputSpec.Int("height", 512, 1, 16384, 1),
                        InputSpec.Int("batch_size", 1, 1, 4096), InputSpec.Int("color", 0, 0, 0xFFFFFF, 1, display: "color")],
            OutputTypes = ["IMAGE"],
            Simulate = c => Source(0.02 + 0.002 * c.Int("batch_size", 1), c.Int("batch_size", 1), c.Int("width", 512), c.Int("height", 512)),
        };
        yield return new NodeDefinition
        {
            ClassType = "EmptyHunyuanLatentVideo",
            DisplayName = "EmptyHunyuanLatentVideo",
            Category = "latent/video",
            PythonModule = "comfy_extras.nodes_hunyuan",
            Required = [InputSpec.Int("width", 848, 16, 16384, 16), InputSpec.Int("height", 480, 16, 16384, 16),
                        InputSpec.Int("length", 25, 1, 16384, 4), InputSpec.Int("batch_size", 1, 1, 4096)],
            OutputTypes = ["LATENT"],
            Simulate = c => Source(0.05, c.Int("length", 25) * c.Int("batch_size", 1), c.Int("width", 848), c.Int("height", 480)),
        };
        yield return new NodeDefinition
        {
            ClassType = "EmptyLTXVLatentVideo",
            DisplayName = "EmptyLTXVLatentVideo",
            Category = "latent/video/ltxv",
            PythonModule = "comfy_extras.nodes_lt",
            Required = [InputSpec.Int("width", 768, 64, 16384, 32), InputSpec.Int("height", 512, 64, 16384, 32),
                        InputSpec.Int("length", 97, 1, 16384, 8), InputSpec.Int("batch_size", 1, 1, 4096)],
            OutputTypes = ["LATENT"],
            Simulate = c => Source(0.05, c.Int("length", 97) * c.Int("batch_size", 1), c.Int("width", 768), c.Int("height", 512)),
        };
    }

    private static NodeWork Source(double seconds, int frames, int width, int height) =>
        new() { Seconds = seconds, Output = new MediaShape(Math.Max(frames, 1), Math.Max(width, 1), Math.Max(height, 1)) };
}
