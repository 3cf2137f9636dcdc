namespace AnimeProgress.Bench.Eta.Families;

/// <summary>
/// Percent by time, but the GPU's speed changes one to three times in most runs (throttling,
/// another process), for good or for a while: the job's recent pace and its average disagree.
/// </summary>
internal sealed class SpeedChangeFamily : TraceFamily
{
    public override string Name => "speed-changes";

    public override PercentModel Percent => PercentModel.ByTime;

    public override string Description => "percent by time; 85 % of runs change GPU speed 1-3 times (x0.5-x2), half of the changes pass again";

    protected override int Salt => 23;

    public override IReadOnlyList<GeneratedTrace> Generate(int seed, int jobs) => EachJob(seed, jobs, (random, _) =>
    {
        var (kind, key, phases) = TimedWorkflows.Pick(random);
        var (instance, slowness) = SimFleet.Pick(random);
        var expected = SimulatedRun.ReferenceSeconds(phases) * slowness;
        var changes = new List<SpeedChange>();
        if (SimFleet.Chance(random, 0.85))
        {
            var count = 1 + random.Next(3);
            for (var i = 0; i < count; i++)
            {
                var at = expected * SimFleet.Uniform(random, 0.05, 0.9);
                var factor = Math.Clamp(SimFleet.LogNormal(random, 0.4), 0.5, 2);
                double? until = SimFleet.Chance(random, 0.5) ? at + expected * SimFleet.Uniform(random, 0.1, 0.3) : null;
                changes.Add(new SpeedChange(at, factor, until));
            }
        }

        var conditions = new RunConditions { GpuSlowness = slowness, StepJitter = 0.06, SpeedChanges = changes };
        return SimulatedRun.Write(kind, key, instance, SimFleet.QueueWait(random), phases, conditions, random);
    });
}
