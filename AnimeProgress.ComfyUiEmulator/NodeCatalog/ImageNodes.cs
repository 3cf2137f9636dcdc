using AnimeProgress.ComfyUiEmulator.Simulation;
using static AnimeProgress.ComfyUiEmulator.NodeCatalog.Footprint;

namespace AnimeProgress.ComfyUiEmulator.NodeCatalog;

/// <summary>Decoding, upscaling and simple image operations (post-processing stages).</summary>
internal static class ImageNodes
{
    private const double VaeDecodeSeconds = 1.0;
    private const double UpscaleSecondsPerTile = 0.12;
    private const int UpscaleTile = 512;
    private const int UpscaleFactor = 4;

    public static IEnumerable<NodeDefinition> All()
    {
        yield return new NodeDefinition
        {
            ClassType = "VAEDecode",
            DisplayName = "VAE Decode",
            Category = "latent",
            Description = "Decodes latent images back into pixel space images.",
            Required = [InputSpec.Link("samples", "LATENT"), InputSpec.Link("vae", "VAE")],
            OutputTypes = ["IMAGE"],
            Simulate = c => new NodeWork
            {
                Seconds = DecodeSeconds(c.Shape("samples")),
                Output = c.Shape("samples"),
                WorkingBytes = DecodeBytes(c.Shape("samples")),
            },
        };
        yield return new NodeDefinition
        {
            ClassType = "VAEDecodeTiled",
            DisplayName = "VAE Decode (Tiled)",
            Category = "_for_testing",
            Required =
            [
                InputSpec.Link("samples", "LATENT"), InputSpec.Link("vae", "VAE"),
                InputSpec.Int("tile_size", 512, 64, 4096, 32), InputSpec.Int("overlap", 64, 0, 4096, 32),
                InputSpec.Int("temporal_size", 64, 8, 4096, 4), InputSpec.Int("temporal_overlap", 8, 4, 4096, 4),
            ],
            OutputTypes = ["IMAGE"],
            Simulate = c =>
            {
                var shape = c.Shape("samples");
                var tile = Math.Max(64, c.Int("tile_size", 512));
                var temporal = Math.Max(8, c.Int("temporal_size", 64));
                var tiles = Ceil(shape.Width, tile) * Ceil(shape.Height, tile) * (shape.Frames > 1 ? Ceil(shape.Frames, temporal) : 1);
                return new NodeWork
                {
                    // Tiling trades speed for memory.
                    Seconds = DecodeSeconds(shape) * 1.3,
                    ProgressSteps = tiles,
                    Output = shape,
                    WorkingBytes = DecodeBytes(shape) / 4,
                };
            },
        };
        yield return new NodeDefinition
        {
            ClassType = "ImageUpscaleWithModel",
            DisplayName = "Upscale Image (using Model)",
            Category = "image/upscaling",
            PythonModule = "comfy_extras.nodes_upscale_model",
            Required = [InputSpec.Link("upscale_model", "UPSCALE_MODEL"), InputSpec.Link("image", "IMAGE")],
            OutputTypes = ["IMAGE"],
            Simulate = c =>
            {
                var shape = c.Shape("image");
                var tiles = Ceil(shape.Width, UpscaleTile) * Ceil(shape.Height, UpscaleTile) * shape.Frames;
                return new NodeWork
                {
                    Seconds = UpscaleSecondsPerTile * tiles,
                    ProgressSteps = tiles,
                    Output = shape with { Width = shape.Width * UpscaleFactor, Height = shape.Height * UpscaleFactor },
                    WorkingBytes = Gib(1.2),
                };
            },
        };
        yield return new NodeDefinition
        {
            ClassType = "ImageScale",
            DisplayName = "Upscale Image",
            Category = "image/upscaling",
            Required =
            [
                InputSpec.Link("image", "IMAGE"), InputSpec.Combo("upscale_method", ["nearest-exact", "bilinear", "area", "bicubic", "lanczos"]),
                InputSpec.Int("width", 512, 0, 16384, 1), InputSpec.Int("height", 512, 0, 16384, 1), InputSpec.Combo("crop", ["disabled", "center"]),
            ],
            OutputTypes = ["IMAGE"],
            Simulate = c =>
            {
                var shape = c.Shape("image");
                var width = c.Int("width", 512);
                var height = c.Int("height", 512);
                return new NodeWork
                {
                    Seconds = 0.05 + 0.002 * shape.Frames,
                    // 0 keeps the aspect ratio from the other side, as ComfyUI does.
                    Output = shape with
                    {
                        Width = width > 0 ? width : height > 0 ? (int)((long)shape.Width * height / Math.Max(shape.Height, 1)) : shape.Width,
                        Height = height > 0 ? height : width > 0 ? (int)((long)shape.Height * width / Math.Max(shape.Width, 1)) : shape.Height,
                    },
                };
            },
        };
        yield return new NodeDefinition
        {
            ClassType = "ImageBlur",
            DisplayName = "Image Blur",
            Category = "image/postprocessing",
            PythonModule = "comfy_extras.nodes_post_processing",
            Required = [InputSpec.Link("image", "IMAGE"), InputSpec.Int("blur_radius", 1, 1, 31, 1), InputSpec.Float("sigma", 1.0, 0.1, 10.0, 0.1)],
            OutputTypes = ["IMAGE"],
            Simulate = c => new NodeWork { Seconds = 0.2 + 0.01 * c.Shape("image").Frames, Output = c.Shape("image") },
        };
        yield return new NodeDefinition
        {
            ClassType = "ImageInvert",
            DisplayName = "Invert Image",
            Category = "image",
            Required = [InputSpec.Link("image", "IMAGE")],
            OutputTypes = ["IMAGE"],
            Simulate = c => new NodeWork { Seconds = 0.05 + 0.002 * c.Shape("image").Frames, Output = c.Shape("image") },
        };
    }

    private static double DecodeSeconds(MediaShape shape) => VaeDecodeSeconds * (1 + (shape.Frames - 1) * 0.02);

    private static long DecodeBytes(MediaShape shape) => (long)Math.Min(6.0 * GiB, 2.0 * GiB * Megapixels(shape.Pixels) * Math.Sqrt(shape.Frames));

    private static int Ceil(int size, int tile) => Math.Max(1, (size + tile - 1) / tile);
}
