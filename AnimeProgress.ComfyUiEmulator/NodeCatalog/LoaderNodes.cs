using AnimeProgress.ComfyUiEmulator.Simulation;
using static AnimeProgress.ComfyUiEmulator.NodeCatalog.Footprint;

namespace AnimeProgress.ComfyUiEmulator.NodeCatalog;

/// <summary>Model loaders: 1–2 s each, and they hold VRAM until the job ends.</summary>
internal static class LoaderNodes
{
    public static IEnumerable<NodeDefinition> All()
    {
        yield return Loader("CheckpointLoaderSimple", "Load Checkpoint", "loaders", 2.0, Gib(6.9),
            [InputSpec.ModelFile("ckpt_name", Choices.Checkpoints)], ["MODEL", "CLIP", "VAE"]);
        yield return Loader("UNETLoader", "Load Diffusion Model", "advanced/loaders", 2.0, Gib(12.5),
            [InputSpec.ModelFile("unet_name", Choices.DiffusionModels),
             InputSpec.Combo("weight_dtype", ["default", "fp8_e4m3fn", "fp8_e4m3fn_fast", "fp8_e5m2"])], ["MODEL"]);
        yield return Loader("CLIPLoader", "Load CLIP", "advanced/loaders", 1.5, Gib(4.9),
            [InputSpec.ModelFile("clip_name", Choices.TextEncoders), InputSpec.Combo("type", Choices.ClipTypes)], ["CLIP"],
            optional: [InputSpec.Combo("device", ["default", "cpu"])]);
        yield return Loader("VAELoader", "Load VAE", "loaders", 1.0, Gib(0.33),
            [InputSpec.ModelFile("vae_name", Choices.Vaes)], ["VAE"]);
        yield return Loader("LoraLoader", "Load LoRA", "loaders", 1.0, Gib(0.22),
            [InputSpec.Link("model", "MODEL"), InputSpec.Link("clip", "CLIP"), InputSpec.ModelFile("lora_name", Choices.Loras),
             InputSpec.Float("strength_model", 1.0, -100.0, 100.0, 0.01), InputSpec.Float("strength_clip", 1.0, -100.0, 100.0, 0.01)],
            ["MODEL", "CLIP"]);
        yield return Loader("ControlNetLoader", "Load ControlNet Model", "loaders", 1.5, Gib(2.5),
            [InputSpec.ModelFile("control_net_name", Choices.ControlNets)], ["CONTROL_NET"]);
        yield return Loader("UpscaleModelLoader", "Load Upscale Model", "loaders", 1.0, Gib(0.07),
            [InputSpec.ModelFile("model_name", Choices.UpscaleModels)], ["UPSCALE_MODEL"], module: "comfy_extras.nodes_upscale_model");
    }

    private static NodeDefinition Loader(string classType, string displayName, string category, double seconds, long modelBytes,
        IReadOnlyList<InputSpec> required, IReadOnlyList<string> outputs, IReadOnlyList<InputSpec>? optional = null, string module = "nodes") => new()
    {
        ClassType = classType,
        DisplayName = displayName,
        Category = category,
        PythonModule = module,
        Required = required,
        Optional = optional ?? [],
        OutputTypes = outputs,
        Simulate = _ => new NodeWork { Seconds = seconds, ModelBytes = modelBytes },
    };
}
