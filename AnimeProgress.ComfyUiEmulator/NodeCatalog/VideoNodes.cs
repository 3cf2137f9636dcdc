using System.Globalization;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Json;
using AnimeProgress.ComfyUiEmulator.Simulation;
using static AnimeProgress.ComfyUiEmulator.NodeCatalog.Footprint;

namespace AnimeProgress.ComfyUiEmulator.NodeCatalog;

/// <summary>
/// Frame interpolation and video savers. Core savers report their file under "images" with
/// "animated": [true]; VideoHelperSuite's VHS_VideoCombine uses "gifs".
/// </summary>
internal static class VideoNodes
{
    public static IEnumerable<NodeDefinition> All()
    {
        yield return Interpolation("RIFE VFI", "RIFE VFI (recommend rife47 and rife49)", ["rife47.pth", "rife49.pth"]);
        yield return Interpolation("FILM VFI", "FILM VFI", ["film_net_fp32.pt"]);
        yield return new NodeDefinition
        {
            ClassType = "CreateVideo",
            DisplayName = "Create Video",
            Category = "image/video",
            PythonModule = "comfy_extras.nodes_video",
            Required = [InputSpec.Link("images", "IMAGE"), InputSpec.Float("fps", 30.0, 1.0, 120.0, 1.0)],
            Optional = [InputSpec.Link("audio", "AUDIO")],
            OutputTypes = ["VIDEO"],
            Simulate = c => new NodeWork { Seconds = 0.05, Output = c.Shape("images") },
        };
        yield return new NodeDefinition
        {
            ClassType = "SaveVideo",
            DisplayName = "Save Video",
            Category = "image/video",
            PythonModule = "comfy_extras.nodes_video",
            Required =
            [
                InputSpec.Link("video", "VIDEO"), InputSpec.Text("filename_prefix", "video/ComfyUI"),
                InputSpec.Combo("format", ["auto", "mp4"], "auto"), InputSpec.Combo("codec", ["auto", "h264"], "auto"),
            ],
            Hidden = [("prompt", "PROMPT"), ("extra_pnginfo", "EXTRA_PNGINFO")],
            IsOutputNode = true,
            Simulate = c => SaveAnimated(c, "video", "video/ComfyUI", "mp4", secondsPerFrame: 0.005),
        };
        yield return new NodeDefinition
        {
            ClassType = "SaveAnimatedWEBP",
            DisplayName = "SaveAnimatedWEBP",
            Category = "image/animation",
            Required =
            [
                InputSpec.Link("images", "IMAGE"), InputSpec.Text("filename_prefix", "ComfyUI"), InputSpec.Float("fps", 6.0, 0.01, 1000.0, 0.01),
                InputSpec.Bool("lossless", true), InputSpec.Int("quality", 80, 0, 100), InputSpec.Combo("method", ["default", "fastest", "slowest"]),
            ],
            Hidden = [("prompt", "PROMPT"), ("extra_pnginfo", "EXTRA_PNGINFO")],
            PythonModule = "comfy_extras.nodes_images",
            IsOutputNode = true,
            Simulate = c => SaveAnimated(c, "images", "ComfyUI", "webp", secondsPerFrame: 0.01),
        };
        yield return new NodeDefinition
        {
            ClassType = "VHS_VideoCombine",
            DisplayName = "Video Combine 🎥🅥🅗🅢",
            Category = "Video Helper Suite 🎥🅥🅗🅢",
            PythonModule = "custom_nodes.ComfyUI-VideoHelperSuite",
            Required =
            [
                InputSpec.Link("images", "IMAGE"), InputSpec.Float("frame_rate", 8.0, 1.0, 1000.0, 1.0),
                InputSpec.Int("loop_count", 0, 0, 100, 1), InputSpec.Text("filename_prefix", "AnimateDiff"),
                InputSpec.Combo("format", Choices.VideoFormats), InputSpec.Bool("pingpong", false), InputSpec.Bool("save_output", true),
            ],
            Optional = [InputSpec.Link("audio", "AUDIO"), InputSpec.Link("meta_batch", "VHS_BatchManager"), InputSpec.Link("vae", "VAE")],
            Hidden = [("prompt", "PROMPT"), ("extra_pnginfo", "EXTRA_PNGINFO"), ("unique_id", "UNIQUE_ID")],
            OutputTypes = ["VHS_FILENAMES"],
            OutputNames = ["Filenames"],
            IsOutputNode = true,
            Simulate = c =>
            {
                var prefix = c.Text("filename_prefix", "AnimateDiff");
                var format = c.Text("format", "image/gif");
                var frameRate = c.Double("frame_rate", 8.0);
                var type = c.Bool("save_output", true) ? "output" : "temp";
                return new NodeWork
                {
                    Seconds = 1.5 + 0.005 * c.Shape("images").Frames,
                    Output = c.Shape("images"),
                    Ui = files => VideoCombineUi(files.Next(prefix, Extension(format), type, comfyStyle: false), format, frameRate),
                };
            },
        };
    }

    private static NodeDefinition Interpolation(string classType, string displayName, IReadOnlyList<string> checkpoints) => new()
    {
        ClassType = classType,
        DisplayName = displayName,
        Category = "ComfyUI-Frame-Interpolation/VFI",
        PythonModule = "custom_nodes.ComfyUI-Frame-Interpolation",
        Required =
        [
            InputSpec.ModelFile("ckpt_name", checkpoints), InputSpec.Link("frames", "IMAGE"),
            InputSpec.Int("clear_cache_after_n_frames", 10, 1, 1000, 1), InputSpec.Int("multiplier", 2, 1, 1000, 1),
            InputSpec.Bool("fast_mode", true), InputSpec.Bool("ensemble", true),
            InputSpec.Combo("scale_factor", ["0.25", "0.5", "1.0", "2.0", "4.0"], "1.0"),
        ],
        Optional = [InputSpec.Link("optional_interpolation_states", "INTERPOLATION_STATES")],
        OutputTypes = ["IMAGE"],
        Simulate = c =>
        {
            var frames = c.Shape("frames");
            var multiplier = Math.Max(1, c.Int("multiplier", 2));
            return new NodeWork
            {
                Seconds = 2.0 + 0.01 * frames.Frames,
                Output = frames with { Frames = (frames.Frames - 1) * multiplier + 1 },
                ModelBytes = Gib(0.1),
                WorkingBytes = Gib(1.5),
            };
        },
    };

    /// <summary>An animated save node: 1.5 s plus a cost per frame, writes one file named from filename_prefix.</summary>
    private static NodeWork SaveAnimated(NodeContext c, string input, string defaultPrefix, string extension, double secondsPerFrame)
    {
        var prefix = c.Text("filename_prefix", defaultPrefix);
        return new NodeWork
        {
            Seconds = 1.5 + secondsPerFrame * c.Shape(input).Frames,
            Output = c.Shape(input),
            Ui = files => Animated(files.Next(prefix, extension)),
        };
    }

    private static JsonObject Animated(JsonObject file) => new()
    {
        ["images"] = new JsonArray(file),
        ["animated"] = new JsonArray(true),
    };

    private static JsonObject VideoCombineUi(JsonObject file, string format, double frameRate)
    {
        var filename = file["filename"]!.GetValue<string>();
        file["format"] = format;
        file["frame_rate"] = PyJson.Float(frameRate);
        file["workflow"] = Path.ChangeExtension(filename, ".png");
        file["fullpath"] = string.Create(CultureInfo.InvariantCulture, $"/opt/ComfyUI/{file["type"]}/{filename}");
        return new JsonObject { ["gifs"] = new JsonArray(file) };
    }

    private static string Extension(string format) => format switch
    {
        "image/gif" => "gif",
        "image/webp" => "webp",
        "video/webm" => "webm",
        "video/ProRes" => "mov",
        _ => "mp4",
    };
}
