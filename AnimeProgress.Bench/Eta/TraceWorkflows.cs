using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Eta;

/// <summary>
/// One node of a simulated run. <paramref name="Seconds"/> is its time on the reference GPU
/// with warm caches; <paramref name="Updates"/> is how many progress messages it sends (sampler
/// steps, tiles, frames; 0 for none); <paramref name="Weight"/> is its share of the graph's
/// percent as <c>GraphProgress</c> counts it (samplers by steps, other nodes 2).
/// </summary>
internal sealed record SimNode(string ClassType, Stage Stage, double Weight, double Seconds, int Updates, bool OnGpu, double FirstUpdateDelay = 0);

/// <summary>A workflow the generator runs: its structural key, its kind, the model family it loads, how often it is submitted.</summary>
internal sealed record SimWorkflow(string Key, JobKind Kind, string Family, double Share, Func<Random, bool, List<SimNode>> Build);

/// <summary>
/// The generator's workflows, with costs shaped after ComfyUI on a single consumer GPU: loaders are
/// slow when the model is not cached (another family ran last), video sampling costs grow with the
/// frame count (which the structural key does not include, so one key covers several lengths),
/// decoding and encoding video take long for the few percent the graph gives them.
/// </summary>
internal static class TraceWorkflows
{
    private const double Plain = 2;

    public static IReadOnlyList<SimWorkflow> All { get; } =
    [
        new("sdxl-txt2img-28", JobKind.Image, "sdxl", 0.30, (r, cold) =>
        [
            Load("CheckpointLoaderSimple", r, cold, warm: 1.2, cached: 11),
            Load("LoraLoader", r, cold, warm: 0.3, cached: 2.5),
            Gpu("CLIPTextEncode", Stage.Processing, 0.25),
            Gpu("CLIPTextEncode", Stage.Processing, 0.25),
            Gpu("EmptyLatentImage", Stage.Processing, 0.02),
            Sampler(28, 0.42, cold ? 3.5 : 0.3),
            Gpu("VAEDecode", Stage.PostProcessing, 1.4),
            Gpu("SaveImage", Stage.Finalizing, 0.4),
        ]),
        new("sdxl-upscale-24", JobKind.Image, "sdxl", 0.18, (r, cold) =>
        [
            Load("CheckpointLoaderSimple", r, cold, warm: 1.2, cached: 11),
            Gpu("CLIPTextEncode", Stage.Processing, 0.25),
            Gpu("CLIPTextEncode", Stage.Processing, 0.25),
            Gpu("EmptyLatentImage", Stage.Processing, 0.02),
            Sampler(24, 0.42, cold ? 3.5 : 0.3),
            Gpu("VAEDecode", Stage.PostProcessing, 1.4),
            // ComfyUI runs the upscale model's loader only when the upscaler needs it: loading comes back after decoding.
            Load("UpscaleModelLoader", r, cold, warm: 0.4, cached: 2.5),
            Gpu("ImageUpscaleWithModel", Stage.PostProcessing, 8.8, updates: 16),
            Gpu("ImageScale", Stage.PostProcessing, 0.3),
            Gpu("SaveImage", Stage.Finalizing, 0.9),
        ]),
        new("hunyuan-t2v-20", JobKind.Video, "hunyuan", 0.27, (r, cold) =>
        {
            var frames = r.GetItems([49, 73, 97, 121], 1)[0];
            return
            [
                Load("UNETLoader", r, cold, warm: 3, cached: 30),
                Load("DualCLIPLoader", r, cold, warm: 1, cached: 10),
                Load("VAELoader", r, cold, warm: 0.3, cached: 1.5),
                Gpu("CLIPTextEncode", Stage.Processing, 1.8),
                Gpu("EmptyHunyuanLatentVideo", Stage.Processing, 0.05),
                Sampler(20, 0.8 + 0.055 * frames, cold ? 8 : 0.5),
                Gpu("VAEDecodeTiled", Stage.PostProcessing, 0.16 * frames, updates: (frames + 7) / 8),
                Gpu("VHS_VideoCombine", Stage.Finalizing, 1.5 + 0.04 * frames),
            ];
        }),
        new("wan-i2v-rife-30", JobKind.Video, "wan", 0.17, (r, cold) =>
        {
            var frames = r.GetItems([81, 121], 1)[0];
            return
            [
                Load("LoadImage", r, cold: false, warm: 0.2, cached: 0.2),
                Load("UNETLoader", r, cold, warm: 4, cached: 38),
                Load("CLIPLoader", r, cold, warm: 1, cached: 8),
                Load("VAELoader", r, cold, warm: 0.3, cached: 1.2),
                Load("CLIPVisionLoader", r, cold, warm: 0.4, cached: 3),
                Gpu("CLIPVisionEncode", Stage.Processing, 1.0),
                Gpu("CLIPTextEncode", Stage.Processing, 0.9),
                Gpu("CLIPTextEncode", Stage.Processing, 0.9),
                Gpu("WanImageToVideo", Stage.Processing, 2.5),
                Sampler(30, 1.0 + 0.065 * frames, cold ? 9 : 0.6),
                Gpu("VAEDecode", Stage.PostProcessing, 0.22 * frames),
                Gpu("RIFE VFI", Stage.PostProcessing, 0.05 * frames, updates: frames / 4),
                Gpu("VHS_VideoCombine", Stage.Finalizing, 2 + 0.06 * frames),
            ];
        }),
        new("sd15-batch4-20", JobKind.Image, "sd15", 0.08, (r, cold) =>
        [
            Load("CheckpointLoaderSimple", r, cold, warm: 0.6, cached: 5),
            Gpu("CLIPTextEncode", Stage.Processing, 0.1),
            Gpu("CLIPTextEncode", Stage.Processing, 0.1),
            Gpu("EmptyLatentImage", Stage.Processing, 0.02),
            Sampler(20, 0.9, cold ? 1.5 : 0.2),
            Gpu("VAEDecode", Stage.PostProcessing, 1.2),
            Gpu("SaveImage", Stage.Finalizing, 1.0),
        ]),
    ];

    public static SimWorkflow Pick(Random random)
    {
        var x = random.NextDouble() * All.Sum(w => w.Share);
        foreach (var workflow in All)
        {
            x -= workflow.Share;
            if (x <= 0)
            {
                return workflow;
            }
        }

        return All[^1];
    }

    // Disk reads vary more than GPU work does.
    private static SimNode Load(string classType, Random random, bool cold, double warm, double cached) =>
        new(classType, Stage.Initializing, Plain, (cold ? cached : warm) * LogNormal(random, 0.15), 0, OnGpu: false);

    private static SimNode Gpu(string classType, Stage stage, double seconds, int updates = 0) =>
        new(classType, stage, Plain, seconds, updates, OnGpu: true);

    // Moving the model to the GPU happens inside the sampler, before its first step.
    private static SimNode Sampler(int steps, double secondsPerStep, double warmUp) =>
        new("KSampler", Stage.Rendering, steps, steps * secondsPerStep, steps, OnGpu: true, FirstUpdateDelay: warmUp);

    internal static double LogNormal(Random random, double sigma)
    {
        // Box–Muller; a multiplicative jitter with median 1.
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        var normal = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return Math.Exp(sigma * normal);
    }
}
