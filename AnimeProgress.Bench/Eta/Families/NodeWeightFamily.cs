namespace AnimeProgress.Bench.Eta.Families;

/// <summary>
/// The original generator (<see cref="TraceGenerator"/>): percent by node weights, five workflows
/// on three GPUs with queues, cold and warm caches, a quarter of the runs changing speed, some
/// pausing, a few failing.
/// </summary>
internal sealed class NodeWeightFamily : TraceFamily
{
    public override string Name => "node-weights";

    public override PercentModel Percent => PercentModel.ByNodeWeights;

    public override string Description => "the original generator: sampler steps dominate the percent, loading and video decoding/encoding take long for little";

    protected override int Salt => 0;

    // The generator keeps its own stream (seed as given), so `eta --generate` sets stay what they were.
    public override IReadOnlyList<GeneratedTrace> Generate(int seed, int jobs) => new TraceGenerator(seed).Generate(jobs).Traces;
}
