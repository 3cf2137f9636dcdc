using System.Text.Json.Nodes;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Submission;

namespace AnimeProgress.Web.Demo;

/// <summary>
/// Realistic API-format graphs for the demo (the same shape a studio's txt2img and text-to-video
/// workflows have), so the demo exercises exactly what production traffic does.
/// </summary>
public static class DemoWorkflows
{
    private static readonly string[] Scenes =
    [
        "Sakura drift", "Rooftop at dusk", "Train platform goodbye", "Festival lanterns", "Rainy shrine steps",
        "Classroom window light", "Mecha hangar reveal", "Seaside bicycle", "Night market chase", "Snowfall confession",
    ];

    public static JobRequest Next(Random random, long sequence)
    {
        var scene = Scenes[random.Next(Scenes.Length)];
        var episode = 1 + random.Next(12);
        var cut = 1 + random.Next(120);
        return random.Next(3) switch
        {
            0 => Video($"Ep {episode:00} · Cut {cut:000} · {scene}", 48 + 24 * random.Next(4), 12 + random.Next(10), random.Next()),
            1 => Upscaled($"Ep {episode:00} · Key art {sequence} · {scene}", 20 + random.Next(12), random.Next()),
            _ => Image($"Ep {episode:00} · Cut {cut:000} · {scene} keyframe", 18 + random.Next(14), random.Next()),
        };
    }

    public static JobRequest Image(string title, int steps, int seed) =>
        new(title, JobKind.Image, Txt2Img(steps, seed, batch: 1, save: true));

    public static JobRequest Upscaled(string title, int steps, int seed)
    {
        var graph = Txt2Img(steps, seed, batch: 1, save: false);
        graph["10"] = Node("UpscaleModelLoader", new JsonObject { ["model_name"] = "4x-AnimeSharp.pth" });
        graph["11"] = Node("ImageUpscaleWithModel", new JsonObject { ["upscale_model"] = Link("10", 0), ["image"] = Link("8", 0) });
        graph["9"] = Node("SaveImage", new JsonObject { ["filename_prefix"] = "keyart", ["images"] = Link("11", 0) });
        return new JobRequest(title, JobKind.Image, graph);
    }

    public static JobRequest Video(string title, int frames, int steps, int seed)
    {
        var graph = Common(steps, seed);
        graph["5"] = Node("EmptyHunyuanLatentVideo", new JsonObject { ["width"] = 848, ["height"] = 480, ["length"] = frames, ["batch_size"] = 1 });
        graph["8"] = Node("VAEDecode", new JsonObject { ["samples"] = Link("3", 0), ["vae"] = Link("4", 2) });
        graph["9"] = Node("VHS_VideoCombine", new JsonObject
        {
            ["images"] = Link("8", 0),
            ["frame_rate"] = 24,
            ["loop_count"] = 0,
            ["filename_prefix"] = "cut",
            ["format"] = "video/h264-mp4",
            ["pingpong"] = false,
            ["save_output"] = true,
        });
        return new JobRequest(title, JobKind.Video, graph) { FramesTotal = frames };
    }

    /// <summary>extra_data that makes the emulator fail a node (real ComfyUI ignores it).</summary>
    public static JsonObject FailNode(string nodeId, string message) =>
        new() { ["emulator"] = new JsonObject { ["fail_node"] = nodeId, ["fail_message"] = message } };

    private static JsonObject Txt2Img(int steps, int seed, int batch, bool save)
    {
        var graph = Common(steps, seed);
        graph["5"] = Node("EmptyLatentImage", new JsonObject { ["width"] = 832, ["height"] = 1216, ["batch_size"] = batch });
        graph["8"] = Node("VAEDecode", new JsonObject { ["samples"] = Link("3", 0), ["vae"] = Link("4", 2) });
        if (save)
        {
            graph["9"] = Node("SaveImage", new JsonObject { ["filename_prefix"] = "keyframe", ["images"] = Link("8", 0) });
        }

        return graph;
    }

    private static JsonObject Common(int steps, int seed) => new()
    {
        ["4"] = Node("CheckpointLoaderSimple", new JsonObject { ["ckpt_name"] = "animagine-xl-3.1.safetensors" }),
        ["6"] = Node("CLIPTextEncode", new JsonObject { ["text"] = "anime, masterpiece, best quality", ["clip"] = Link("4", 1) }),
        ["7"] = Node("CLIPTextEncode", new JsonObject { ["text"] = "lowres, bad anatomy", ["clip"] = Link("4", 1) }),
        ["3"] = Node("KSampler", new JsonObject
        {
            ["seed"] = seed,
            ["steps"] = steps,
            ["cfg"] = 7.0,
            ["sampler_name"] = "euler_ancestral",
            ["scheduler"] = "normal",
            ["denoise"] = 1.0,
            ["model"] = Link("4", 0),
            ["positive"] = Link("6", 0),
            ["negative"] = Link("7", 0),
            ["latent_image"] = Link("5", 0),
        }),
    };

    private static JsonObject Node(string classType, JsonObject inputs) => new() { ["class_type"] = classType, ["inputs"] = inputs };

    private static JsonArray Link(string node, int slot) => [node, slot];
}
