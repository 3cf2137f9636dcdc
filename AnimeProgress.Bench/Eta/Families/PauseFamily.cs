namespace AnimeProgress.Bench.Eta.Families;

/// <summary>
/// Percent by time, but most runs stop for a while one to three times without a message (VRAM
/// swapped out, another process on the GPU): time passes, percent does not.
/// </summary>
internal sealed class PauseFamily : TraceFamily
{
    public override string Name => "pauses";

    public override PercentModel Percent => PercentModel.ByTime;

    public override string Description => "percent by time; 75 % of runs pause 1-3 times for 4-60 s (video longer) with no messages";

    protected override int Salt => 37;

    public override IReadOnlyList<GeneratedTrace> Generate(int seed, int jobs) => EachJob(seed, jobs, (random, _) =>
    {
        var (kind, key, phases) = TimedWorkflows.Pick(random);
        var (instance, slowness) = SimFleet.Pick(random);
        var expected = SimulatedRun.ReferenceSeconds(phases) * slowness;
        var pauses = new List<Pause>();
        if (SimFleet.Chance(random, 0.75))
        {
            var count = 1 + random.Next(3);
            var scale = kind == AnimeProgress.Core.Jobs.JobKind.Video ? 2 : 1;
            for (var i = 0; i < count; i++)
            {
                pauses.Add(new Pause(expected * SimFleet.Uniform(random, 0.05, 0.9), Math.Min(60 * scale, scale * (4 - Math.Log(1 - random.NextDouble()) * 12))));
            }
        }

        var conditions = new RunConditions { GpuSlowness = slowness, StepJitter = 0.06, Pauses = pauses };
        return SimulatedRun.Write(kind, key, instance, SimFleet.QueueWait(random), phases, conditions, random);
    });
}
