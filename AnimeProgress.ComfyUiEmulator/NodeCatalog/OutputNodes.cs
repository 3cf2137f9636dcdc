using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Simulation;

namespace AnimeProgress.ComfyUiEmulator.NodeCatalog;

/// <summary>Image savers. SaveImageWebsocket is the one model-free node that reports progress (one step per image, 0…N−1).</summary>
internal static class OutputNodes
{
    public static IEnumerable<NodeDefinition> All()
    {
        yield return new NodeDefinition
        {
            ClassType = "SaveImage",
            DisplayName = "Save Image",
            Category = "image",
            Description = "Saves the input images to your ComfyUI output directory.",
            Required = [InputSpec.Link("images", "IMAGE"), InputSpec.Text("filename_prefix", "ComfyUI")],
            Hidden = [("prompt", "PROMPT"), ("extra_pnginfo", "EXTRA_PNGINFO")],
            IsOutputNode = true,
            Simulate = c =>
            {
                var images = c.Shape("images");
                var prefix = c.Text("filename_prefix", "ComfyUI");
                return new NodeWork
                {
                    Seconds = 0.1 + 0.03 * images.Frames,
                    Output = images,
                    Ui = files => new JsonObject { ["images"] = files.Many(prefix, "png", images.Frames) },
                };
            },
        };
        yield return new NodeDefinition
        {
            ClassType = "PreviewImage",
            DisplayName = "Preview Image",
            Category = "image",
            Description = "Saves the input images to your ComfyUI output directory.",
            Required = [InputSpec.Link("images", "IMAGE")],
            Hidden = [("prompt", "PROMPT"), ("extra_pnginfo", "EXTRA_PNGINFO")],
            IsOutputNode = true,
            Simulate = c =>
            {
                var images = c.Shape("images");
                return new NodeWork
                {
                    Seconds = 0.05 + 0.02 * images.Frames,
                    Output = images,
                    Ui = files => new JsonObject { ["images"] = files.Many(files.TempPrefix, "png", images.Frames, "temp") },
                };
            },
        };
        yield return new NodeDefinition
        {
            ClassType = "SaveImageWebsocket",
            DisplayName = "SaveImageWebsocket",
            Category = "api/image",
            PythonModule = "custom_nodes.websocket_image_save",
            Required = [InputSpec.Link("images", "IMAGE")],
            IsOutputNode = true,
            NeverCached = true,
            // No UI dict: it sends the images as previews instead, so there is no "executed" for it.
            Simulate = c =>
            {
                var images = c.Shape("images");
                return new NodeWork
                {
                    Seconds = 0.05 * images.Frames,
                    ProgressSteps = images.Frames,
                    Style = ProgressStyle.ZeroBased,
                    Preview = PreviewFormat.Png,
                    Output = images,
                };
            },
        };
    }
}
