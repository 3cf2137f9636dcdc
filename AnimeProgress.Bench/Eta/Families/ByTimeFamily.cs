namespace AnimeProgress.Bench.Eta.Families;

/// <summary>Percent grows in step with time; run lengths vary under one key. Linear's home ground.</summary>
internal sealed class ByTimeFamily : TraceFamily
{
    public override string Name => "by-time";

    public override PercentModel Percent => PercentModel.ByTime;

    public override string Description => "percent grows with time; resolution and frame count (not in the key) change the run length";

    protected override int Salt => 11;

    public override IReadOnlyList<GeneratedTrace> Generate(int seed, int jobs) => EachJob(seed, jobs, (random, _) =>
    {
        var (kind, key, phases) = TimedWorkflows.Pick(random);
        var (instance, slowness) = SimFleet.Pick(random);
        var conditions = new RunConditions { GpuSlowness = slowness, StepJitter = 0.08 };
        return SimulatedRun.Write(kind, key, instance, SimFleet.QueueWait(random), phases, conditions, random);
    });
}
