using System.Globalization;
using AnimeProgress.Core.Jobs;
using static AnimeProgress.Bench.Eta.Families.GraphNodes;

namespace AnimeProgress.Bench.Eta.Families;

/// <summary>
/// Percent by node weights, and every job a workflow never seen before: random loaders, step
/// counts, second passes, upscalers, detailers, frame counts and encoders. No workflow history
/// exists; at most other one-off jobs of the same kind.
/// </summary>
internal sealed class OneOffFamily : TraceFamily
{
    public override string Name => "one-off";

    public override PercentModel Percent => PercentModel.ByNodeWeights;

    public override string Description => "node weights; every job a new random graph (no workflow history, only other one-offs of its kind)";

    protected override int Salt => 67;

    public override IReadOnlyList<GeneratedTrace> Generate(int seed, int jobs) => EachJob(seed, jobs, (random, index) =>
    {
        var (instance, slowness) = SimFleet.Pick(random);
        var video = SimFleet.Chance(random, 0.5);
        var phases = video ? Video(random) : Image(random);
        var key = string.Create(CultureInfo.InvariantCulture, $"one-off-{seed}-{index:0000}");
        var conditions = new RunConditions { GpuSlowness = slowness, StepJitter = 0.05 };
        return SimulatedRun.Write(video ? JobKind.Video : JobKind.Image, key, instance, SimFleet.QueueWait(random), phases, conditions, random);
    });

    private static List<Phase> Image(Random random)
    {
        var phases = new List<Phase>();
        var cold = SimFleet.Chance(random, 0.4);
        for (var i = 1 + random.Next(4); i > 0; i--)
        {
            var warm = SimFleet.Uniform(random, 0.3, 3);
            phases.Add(Load("Loader", random, cold, warm, warm * 8));
        }

        for (var i = 1 + random.Next(3); i > 0; i--)
        {
            phases.Add(Gpu("Encode", Stage.Processing, SimFleet.Uniform(random, 0.1, 0.5)));
        }

        var perStep = SimFleet.Uniform(random, 0.15, 1.2);
        phases.Add(Sampler(4 + random.Next(47), perStep, cold ? 2 : 0.3));
        if (SimFleet.Chance(random, 0.4))
        {
            phases.Add(Sampler(8 + random.Next(13), perStep * SimFleet.Uniform(random, 1.5, 3), 0.2));
        }

        phases.Add(Gpu("VAEDecode", Stage.PostProcessing, SimFleet.Uniform(random, 0.5, 3)));
        if (SimFleet.Chance(random, 0.35))
        {
            phases.Add(Gpu("TiledUpscale", Stage.PostProcessing, SimFleet.Uniform(random, 4, 20), updates: 4 + random.Next(29)));
        }

        if (SimFleet.Chance(random, 0.3))
        {
            phases.Add(Gpu("FaceDetailer", Stage.PostProcessing, SimFleet.Uniform(random, 3, 15)));
        }

        phases.Add(Cpu("SaveImage", Stage.Finalizing, SimFleet.Uniform(random, 0.2, 6)));
        return phases;
    }

    private static List<Phase> Video(Random random)
    {
        var phases = new List<Phase>();
        var cold = SimFleet.Chance(random, 0.4);
        for (var i = 2 + random.Next(4); i > 0; i--)
        {
            var warm = SimFleet.Uniform(random, 1, 5);
            phases.Add(Load("Loader", random, cold, warm, warm * 8));
        }

        phases.Add(Gpu("TextEncode", Stage.Processing, SimFleet.Uniform(random, 0.5, 2.5)));
        var frames = 33 + random.Next(129);
        var perStep = (0.5 + 0.04 * frames) * SimFleet.LogNormal(random, 0.4);
        phases.Add(Sampler(8 + random.Next(33), perStep, cold ? 8 : 0.5));
        var decode = SimFleet.Uniform(random, 0.1, 0.3) * frames;
        phases.Add(SimFleet.Chance(random, 0.5)
            ? Gpu("VAEDecodeTiled", Stage.PostProcessing, decode, updates: (frames + 7) / 8)
            : Gpu("VAEDecode", Stage.PostProcessing, decode));
        if (SimFleet.Chance(random, 0.4))
        {
            var interpolate = SimFleet.Uniform(random, 0.03, 0.08) * frames;
            phases.Add(Gpu("Interpolate", Stage.PostProcessing, interpolate, updates: SimFleet.Chance(random, 0.5) ? frames / 4 : 0));
        }

        phases.Add(Cpu("VideoCombine", Stage.Finalizing, 1 + SimFleet.Uniform(random, 0.02, 0.08) * frames));
        return phases;
    }
}
