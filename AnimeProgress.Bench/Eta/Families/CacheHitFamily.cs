using AnimeProgress.Core.Jobs;
using static AnimeProgress.Bench.Eta.Families.GraphNodes;

namespace AnimeProgress.Bench.Eta.Families;

/// <summary>
/// Percent by node weights, re-runs of the same workflows in which ComfyUI's cache skips what did
/// not change: in about half the runs the loaders and prompt encoders are cached (initializing is
/// free and percent jumps at once), in a few even the sampler is (only decoding and saving run).
/// The rest load from warm or cold caches.
/// </summary>
internal sealed class CacheHitFamily : TraceFamily
{
    public override string Name => "cache-hits";

    public override PercentModel Percent => PercentModel.ByNodeWeights;

    public override string Description => "node weights; 45 % of runs skip loaders and encoders (cached), 6 % skip sampling too; the rest load warm or cold";

    protected override int Salt => 53;

    private enum Cache
    {
        Cold,
        Warm,
        Prefix,
        UpToDecode,
    }

    public override IReadOnlyList<GeneratedTrace> Generate(int seed, int jobs) => EachJob(seed, jobs, (random, _) =>
    {
        var (instance, slowness) = SimFleet.Pick(random);
        var roll = random.NextDouble();
        var cache = roll < 0.45 ? Cache.Prefix : roll < 0.51 ? Cache.UpToDecode : roll < 0.86 ? Cache.Warm : Cache.Cold;
        var (kind, key, phases) = random.Next(4) switch
        {
            0 => Txt2Img(random, cache),
            1 => Img2Img(random, cache),
            2 => ImageToVideo(random, cache),
            _ => VideoToVideo(random, cache),
        };
        var conditions = new RunConditions { GpuSlowness = slowness, StepJitter = 0.05 };
        return SimulatedRun.Write(kind, key, instance, SimFleet.QueueWait(random), phases, conditions, random);
    });

    private static (JobKind, string, List<Phase>) Txt2Img(Random random, Cache cache)
    {
        var (cold, prefix, sampler) = Flags(cache);
        return (JobKind.Image, "txt2img-iterate-img",
        [
            Load("CheckpointLoaderSimple", random, cold, 1.2, 10, prefix),
            Load("LoraLoader", random, cold, 0.3, 2.5, prefix),
            Gpu("CLIPTextEncode", Stage.Processing, 0.25, cached: prefix),
            Gpu("CLIPTextEncode", Stage.Processing, 0.25, cached: prefix),
            Gpu("EmptyLatentImage", Stage.Processing, 0.02, cached: prefix),
            Sampler(28, 0.4, cold ? 3 : 0.3, sampler),
            Gpu("VAEDecode", Stage.PostProcessing, 1.3),
            Gpu("SaveImage", Stage.Finalizing, 0.4),
        ]);
    }

    private static (JobKind, string, List<Phase>) Img2Img(Random random, Cache cache)
    {
        var (cold, prefix, sampler) = Flags(cache);
        return (JobKind.Image, "img2img-refine-img",
        [
            Load("LoadImage", random, cold: false, 0.2, 0.2, prefix),
            Load("CheckpointLoaderSimple", random, cold, 1.0, 8, prefix),
            Gpu("VAEEncode", Stage.Processing, 0.6, cached: prefix),
            Gpu("CLIPTextEncode", Stage.Processing, 0.25, cached: prefix),
            Sampler(16, 0.5, cold ? 2.5 : 0.3, sampler),
            Gpu("VAEDecode", Stage.PostProcessing, 1.3),
            Gpu("ImageSharpen", Stage.PostProcessing, 0.5),
            Gpu("SaveImage", Stage.Finalizing, 0.4),
        ]);
    }

    private static (JobKind, string, List<Phase>) ImageToVideo(Random random, Cache cache)
    {
        var (cold, prefix, sampler) = Flags(cache);
        var frames = random.GetItems([81, 121], 1)[0];
        return (JobKind.Video, "i2v-iterate-vid",
        [
            Load("LoadImage", random, cold: false, 0.2, 0.2, prefix),
            Load("UNETLoader", random, cold, 4, 38, prefix),
            Load("CLIPLoader", random, cold, 1, 8, prefix),
            Load("VAELoader", random, cold, 0.3, 1.2, prefix),
            Gpu("CLIPVisionEncode", Stage.Processing, 1.0, cached: prefix),
            Gpu("CLIPTextEncode", Stage.Processing, 0.9, cached: prefix),
            Gpu("WanImageToVideo", Stage.Processing, 2.5, cached: prefix),
            Sampler(30, 1.0 + 0.065 * frames, cold ? 9 : 0.6, sampler),
            Gpu("VAEDecode", Stage.PostProcessing, 0.22 * frames),
            Gpu("VHS_VideoCombine", Stage.Finalizing, 2 + 0.06 * frames),
        ]);
    }

    private static (JobKind, string, List<Phase>) VideoToVideo(Random random, Cache cache)
    {
        var (cold, prefix, sampler) = Flags(cache);
        var frames = 33 + 16 * random.Next(6);
        return (JobKind.Video, "v2v-restyle-vid",
        [
            Load("VHS_LoadVideo", random, cold: false, 0.08 * frames, 0.08 * frames, prefix),
            Load("UNETLoader", random, cold, 3, 30, prefix),
            Load("DualCLIPLoader", random, cold, 1, 9, prefix),
            Gpu("VAEEncodeTiled", Stage.Processing, 0.1 * frames, cached: prefix),
            Gpu("CLIPTextEncode", Stage.Processing, 1.5, cached: prefix),
            Sampler(20, 0.7 + 0.05 * frames, cold ? 7 : 0.5, sampler),
            Gpu("VAEDecodeTiled", Stage.PostProcessing, 0.16 * frames, updates: (frames + 7) / 8),
            Gpu("VHS_VideoCombine", Stage.Finalizing, 1.5 + 0.04 * frames),
        ]);
    }

    // Cold: models read from disk. Prefix: loaders and encoders cached. Up to decode: the sampler too.
    private static (bool Cold, bool Prefix, bool Sampler) Flags(Cache cache) =>
        (cache == Cache.Cold, cache is Cache.Prefix or Cache.UpToDecode, cache == Cache.UpToDecode);
}
