using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Eta.Families;

/// <summary>Nodes weighted the way <c>GraphProgress</c> counts them: a sampler by its steps, every other node 2.</summary>
internal static class GraphNodes
{
    public const double Plain = 2;

    /// <summary>A loader: disk time, <paramref name="cold"/> when the model is not in RAM, with ±15 % noise.</summary>
    public static Phase Load(string node, Random random, bool cold, double warmSeconds, double coldSeconds, bool cached = false) =>
        new(node, Stage.Initializing, Plain, (cold ? coldSeconds : warmSeconds) * SimFleet.LogNormal(random, 0.15), OnGpu: false, Cached: cached);

    public static Phase Gpu(string node, Stage stage, double seconds, int updates = 0, bool cached = false) =>
        new(node, stage, Plain, seconds, updates, Cached: cached);

    /// <summary>A node on the CPU or disk (encoding, uploading): the GPU's speed does not apply.</summary>
    public static Phase Cpu(string node, Stage stage, double seconds, int updates = 0) =>
        new(node, stage, Plain, seconds, updates, OnGpu: false);

    /// <summary>A sampler: one update per step after <paramref name="warmUp"/> seconds of moving the model to the GPU.</summary>
    public static Phase Sampler(int steps, double secondsPerStep, double warmUp, bool cached = false) =>
        new("KSampler", Stage.Rendering, steps, steps * secondsPerStep, steps, FirstUpdateDelay: warmUp, Cached: cached);
}
