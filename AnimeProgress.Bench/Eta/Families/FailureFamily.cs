using AnimeProgress.Core.Jobs;
using static AnimeProgress.Bench.Eta.Families.GraphNodes;

namespace AnimeProgress.Bench.Eta.Families;

/// <summary>
/// Percent by node weights, and three runs in ten fail: a missing model at once, out of memory
/// while sampling, out of memory while decoding. Failed runs are replayed (they must teach the
/// engine nothing about run times) and not scored; history is thinner than in the other families.
/// </summary>
internal sealed class FailureFamily : TraceFamily
{
    public override string Name => "failures";

    public override PercentModel Percent => PercentModel.ByNodeWeights;

    public override string Description => "node weights; 30 % of runs fail (missing model at start, out of memory while sampling or decoding)";

    protected override int Salt => 79;

    public override IReadOnlyList<GeneratedTrace> Generate(int seed, int jobs) => EachJob(seed, jobs, (random, _) =>
    {
        var (instance, slowness) = SimFleet.Pick(random);
        var cold = SimFleet.Chance(random, 0.35);
        var (kind, key, phases) = random.Next(4) switch
        {
            0 => (JobKind.Image, "sdxl-hires-img", new List<Phase>
            {
                Load("CheckpointLoaderSimple", random, cold, 1.2, 11),
                Gpu("CLIPTextEncode", Stage.Processing, 0.25),
                Gpu("CLIPTextEncode", Stage.Processing, 0.25),
                Sampler(25, 0.42, cold ? 3.5 : 0.3),
                Gpu("LatentUpscale", Stage.Processing, 0.1),
                Sampler(15, 0.95, 0.2),
                Gpu("VAEDecode", Stage.PostProcessing, 2.6),
                Gpu("SaveImage", Stage.Finalizing, 0.6),
            }),
            1 => (JobKind.Image, "flux-dev-img", new List<Phase>
            {
                Load("UNETLoader", random, cold, 2, 20),
                Load("DualCLIPLoader", random, cold, 1, 9),
                Load("VAELoader", random, cold, 0.2, 1),
                Gpu("CLIPTextEncode", Stage.Processing, 0.8),
                Sampler(20, 1.1, cold ? 4 : 0.4),
                Gpu("VAEDecode", Stage.PostProcessing, 1.8),
                Gpu("SaveImage", Stage.Finalizing, 0.5),
            }),
            2 => Hunyuan(random, cold),
            _ => Ltx(random, cold),
        };

        var expected = SimulatedRun.ReferenceSeconds(phases) * slowness;
        var conditions = new RunConditions { GpuSlowness = slowness, StepJitter = 0.05, FailAt = FailAt(random, phases, slowness, expected) };
        return SimulatedRun.Write(kind, key, instance, SimFleet.QueueWait(random), phases, conditions, random);
    });

    // Run seconds of the failure, or null: a third at start, a third in the sampler, a third in decoding.
    private static double? FailAt(Random random, List<Phase> phases, double slowness, double expected)
    {
        if (!SimFleet.Chance(random, 0.3))
        {
            return null;
        }

        var sampler = phases.FindIndex(p => p.Stage == Stage.Rendering);
        var decode = phases.FindIndex(p => p.Stage == Stage.PostProcessing);
        double Start(int index) => phases.Take(index).Sum(p => (p.Seconds + p.FirstUpdateDelay) * (p.OnGpu ? slowness : 1));
        return random.Next(3) switch
        {
            0 => SimFleet.Uniform(random, 0.2, 2),
            1 => Start(sampler) + SimFleet.Uniform(random, 0, 1) * phases[sampler].Seconds * slowness,
            _ => Math.Min(expected, Start(decode) + SimFleet.Uniform(random, 0, 1) * phases[decode].Seconds * slowness),
        };
    }

    private static (JobKind, string, List<Phase>) Hunyuan(Random random, bool cold)
    {
        var frames = random.GetItems([49, 73, 97, 121], 1)[0];
        return (JobKind.Video, "hunyuan-t2v-vid",
        [
            Load("UNETLoader", random, cold, 3, 30),
            Load("DualCLIPLoader", random, cold, 1, 10),
            Load("VAELoader", random, cold, 0.3, 1.5),
            Gpu("CLIPTextEncode", Stage.Processing, 1.8),
            Sampler(20, 0.8 + 0.055 * frames, cold ? 8 : 0.5),
            Gpu("VAEDecodeTiled", Stage.PostProcessing, 0.16 * frames, updates: (frames + 7) / 8),
            Gpu("VHS_VideoCombine", Stage.Finalizing, 1.5 + 0.04 * frames),
        ]);
    }

    private static (JobKind, string, List<Phase>) Ltx(Random random, bool cold)
    {
        var frames = 65 + 32 * random.Next(5);
        return (JobKind.Video, "ltx-t2v-vid",
        [
            Load("CheckpointLoaderSimple", random, cold, 2, 16),
            Load("CLIPLoader", random, cold, 1, 8),
            Gpu("CLIPTextEncode", Stage.Processing, 1.2),
            Gpu("EmptyLTXVLatentVideo", Stage.Processing, 0.05),
            Sampler(30, 0.3 + 0.012 * frames, cold ? 5 : 0.4),
            Gpu("VAEDecode", Stage.PostProcessing, 0.09 * frames),
            Gpu("VHS_VideoCombine", Stage.Finalizing, 1 + 0.03 * frames),
        ]);
    }
}
