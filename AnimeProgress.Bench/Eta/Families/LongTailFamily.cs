using AnimeProgress.Core.Jobs;
using static AnimeProgress.Bench.Eta.Families.GraphNodes;

namespace AnimeProgress.Bench.Eta.Families;

/// <summary>
/// Percent by node weights, and a long tail after sampling: an upscaler without a progress bar, an
/// upload, a video encode. The last 10-20 % of the percent takes 35-70 % of the time; how long
/// partly follows the sampling (frames) and partly not (the encoder, the network).
/// </summary>
internal sealed class LongTailFamily : TraceFamily
{
    public override string Name => "long-tail";

    public override PercentModel Percent => PercentModel.ByNodeWeights;

    public override string Description => "node weights; after sampling, upscaling / uploading / encoding take 35-70 % of the run for the last 10-20 % of the percent";

    protected override int Salt => 41;

    public override IReadOnlyList<GeneratedTrace> Generate(int seed, int jobs) => EachJob(seed, jobs, (random, _) =>
    {
        var (instance, slowness) = SimFleet.Pick(random);
        var cold = SimFleet.Chance(random, 0.3);
        var (kind, key, phases) = random.Next(4) switch
        {
            0 => (JobKind.Image, "upscale-upload-img", new List<Phase>
            {
                Load("CheckpointLoaderSimple", random, cold, 1.5, 9),
                Gpu("CLIPTextEncode", Stage.Processing, 0.3),
                Gpu("CLIPTextEncode", Stage.Processing, 0.3),
                Sampler(25, 0.45, cold ? 3 : 0.3),
                Gpu("VAEDecode", Stage.PostProcessing, 1.5),
                Gpu("UltimateSDUpscale", Stage.PostProcessing, 22 * SimFleet.LogNormal(random, 0.25)),
                Cpu("UploadToAssetServer", Stage.Finalizing, 8 * SimFleet.LogNormal(random, 0.5)),
            }),
            1 => (JobKind.Image, "batch-archive-img", new List<Phase>
            {
                Load("CheckpointLoaderSimple", random, cold, 0.7, 5),
                Gpu("CLIPTextEncode", Stage.Processing, 0.1),
                Gpu("EmptyLatentImage", Stage.Processing, 0.02),
                Sampler(20, 0.8, cold ? 1.5 : 0.2),
                Gpu("VAEDecode", Stage.PostProcessing, 1.2),
                Gpu("FaceDetailer", Stage.PostProcessing, 6 * SimFleet.LogNormal(random, 0.3)),
                Cpu("ZipAndCopyToShare", Stage.Finalizing, 14 * SimFleet.LogNormal(random, 0.4)),
            }),
            2 => TextToVideo(random, cold),
            _ => ImageToVideoMaster(random, cold),
        };
        var conditions = new RunConditions { GpuSlowness = slowness, StepJitter = 0.05 };
        return SimulatedRun.Write(kind, key, instance, SimFleet.QueueWait(random), phases, conditions, random);
    });

    private static (JobKind, string, List<Phase>) TextToVideo(Random random, bool cold)
    {
        var frames = random.GetItems([49, 73, 97, 121], 1)[0];
        return (JobKind.Video, "t2v-interp-encode-vid",
        [
            Load("UNETLoader", random, cold, 3, 28),
            Load("DualCLIPLoader", random, cold, 1, 9),
            Gpu("CLIPTextEncode", Stage.Processing, 1.6),
            Sampler(20, 0.8 + 0.05 * frames, cold ? 7 : 0.5),
            Gpu("VAEDecodeTiled", Stage.PostProcessing, 0.2 * frames, updates: frames / 16),
            Gpu("FILM VFI", Stage.PostProcessing, 0.3 * frames),
            Cpu("VHS_VideoCombine", Stage.Finalizing, 0.5 * frames * SimFleet.LogNormal(random, 0.2)),
        ]);
    }

    private static (JobKind, string, List<Phase>) ImageToVideoMaster(Random random, bool cold)
    {
        var frames = random.GetItems([81, 121], 1)[0];
        return (JobKind.Video, "i2v-upscale-prores-vid",
        [
            Load("LoadImage", random, cold: false, 0.2, 0.2),
            Load("UNETLoader", random, cold, 4, 36),
            Load("CLIPVisionLoader", random, cold, 0.4, 3),
            Gpu("CLIPVisionEncode", Stage.Processing, 1.0),
            Gpu("WanImageToVideo", Stage.Processing, 2.5),
            Sampler(30, 1.0 + 0.06 * frames, cold ? 9 : 0.6),
            Gpu("VAEDecode", Stage.PostProcessing, 0.22 * frames),
            Gpu("VideoUpscale2x", Stage.PostProcessing, 0.9 * frames, updates: frames / 8),
            Cpu("ProResEncode", Stage.Finalizing, 0.6 * frames * SimFleet.LogNormal(random, 0.25)),
        ]);
    }
}
