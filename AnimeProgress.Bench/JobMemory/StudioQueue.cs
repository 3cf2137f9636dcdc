using System.Globalization;
using System.Text.Json.Nodes;
using AnimeProgress.Core.ComfyUi;

namespace AnimeProgress.Bench.JobMemory;

/// <summary>
/// A studio's batch in ComfyUI's queue: one SDXL pipeline (checkpoint, LoRA chain, ControlNet, two samplers,
/// upscale, save) submitted many times by another program, each copy with its own seed, prompt text and prompt
/// id, parsed from JSON text as <c>GET /queue</c> is, so every copy owns its own strings.
/// </summary>
internal static class StudioQueue
{
    public const string ClientId = "batch-script";

    public static QueueState Build(int prompts, int loras)
    {
        var pending = new List<QueueItem>(prompts);
        for (var i = 0; i < prompts; i++)
        {
            var graph = (JsonObject)JsonNode.Parse(GraphJson(i, loras))!;
            var extra = new JsonObject { ["client_id"] = ClientId };
            pending.Add(new QueueItem(i, PromptId(i), graph, extra, ["30"]));
        }

        return new QueueState([], pending);
    }

    public static string PromptId(int i) => new Guid(i, 0x4711, 0x4f23, [0x94, 0xa0, 0x89, 0x27, 0xdf, 0x5d, 0x9e, 0xc1]).ToString();

    /// <summary>The graph's node count for a LoRA chain of this length.</summary>
    public static int NodeCount(int loras) => 15 + loras;

    private static string GraphJson(int i, int loras)
    {
        var seed = (1_000_003L * i).ToString(CultureInfo.InvariantCulture);
        var nodes = new List<string>
        {
            Node("1", "CheckpointLoaderSimple", "\"ckpt_name\":\"animagine-xl-4.0.safetensors\""),
        };
        var model = "1";
        for (var l = 0; l < loras; l++)
        {
            var id = (100 + l).ToString(CultureInfo.InvariantCulture);
            nodes.Add(Node(id, "LoraLoader",
                $"\"lora_name\":\"style-{l}.safetensors\",\"strength_model\":0.8,\"strength_clip\":0.8,\"model\":[\"{model}\",0],\"clip\":[\"{model}\",1]"));
            model = id;
        }

        nodes.AddRange(
        [
            Node("2", "CLIPTextEncode", $"\"text\":\"masterpiece, 1girl, rainy shrine steps, cut {i}, seed {seed}\",\"clip\":[\"{model}\",1]"),
            Node("3", "CLIPTextEncode", $"\"text\":\"lowres, bad anatomy, watermark\",\"clip\":[\"{model}\",1]"),
            Node("4", "LoadImage", $"\"image\":\"layout/cut_{i:D5}.png\""),
            Node("5", "ControlNetLoader", "\"control_net_name\":\"lineart-sdxl.safetensors\""),
            Node("6", "ControlNetApplyAdvanced",
                "\"strength\":0.7,\"start_percent\":0,\"end_percent\":0.8,\"positive\":[\"2\",0],\"negative\":[\"3\",0],\"control_net\":[\"5\",0],\"image\":[\"4\",0]"),
            Node("7", "EmptyLatentImage", "\"width\":1024,\"height\":1536,\"batch_size\":1"),
            Node("8", "KSampler",
                $"\"seed\":{seed},\"steps\":28,\"cfg\":6.5,\"sampler_name\":\"euler_ancestral\",\"scheduler\":\"karras\",\"denoise\":1,\"model\":[\"{model}\",0],\"positive\":[\"6\",0],\"negative\":[\"6\",1],\"latent_image\":[\"7\",0]"),
            Node("9", "LatentUpscaleBy", "\"upscale_method\":\"nearest-exact\",\"scale_by\":1.5,\"samples\":[\"8\",0]"),
            Node("10", "KSampler",
                $"\"seed\":{seed},\"steps\":14,\"cfg\":6.5,\"sampler_name\":\"euler_ancestral\",\"scheduler\":\"karras\",\"denoise\":0.45,\"model\":[\"{model}\",0],\"positive\":[\"6\",0],\"negative\":[\"6\",1],\"latent_image\":[\"9\",0]"),
            Node("11", "VAEDecode", "\"samples\":[\"10\",0],\"vae\":[\"1\",2]"),
            Node("12", "UpscaleModelLoader", "\"model_name\":\"4x-AnimeSharp.pth\""),
            Node("13", "ImageUpscaleWithModel", "\"upscale_model\":[\"12\",0],\"image\":[\"11\",0]"),
            Node("14", "ImageScale", "\"upscale_method\":\"lanczos\",\"width\":2048,\"height\":3072,\"crop\":\"disabled\",\"image\":[\"13\",0]"),
            Node("30", "SaveImage", $"\"filename_prefix\":\"ep04/cut_{i:D5}\",\"images\":[\"14\",0]"),
        ]);
        return "{" + string.Join(",", nodes) + "}";
    }

    private static string Node(string id, string classType, string inputs) =>
        $"\"{id}\":{{\"class_type\":\"{classType}\",\"inputs\":{{{inputs}}},\"_meta\":{{\"title\":\"{classType}\"}}}}";
}
