namespace AnimeProgress.Bench.Eta.Families;

/// <summary>The GPUs the new families run on, and the noise every job gets.</summary>
internal static class SimFleet
{
    // Not the node-weight generator's three GPUs: other names, other speeds.
    private static readonly (string Name, double Slowness)[] Instances = [("render-a", 1.0), ("render-b", 1.35), ("render-c", 0.8)];

    /// <summary>A GPU at random, and the job's GPU slowness on it (the instance's, with ±6 % job-to-job noise).</summary>
    public static (string Instance, double Slowness) Pick(Random random)
    {
        var (name, slowness) = Instances[random.Next(Instances.Length)];
        return (name, slowness * LogNormal(random, 0.06));
    }

    /// <summary>Time in the queue before the run (not part of the run; the replay ignores it).</summary>
    public static double QueueWait(Random random) => -Math.Log(1 - random.NextDouble()) * 20;

    public static double LogNormal(Random random, double sigma) => TraceWorkflows.LogNormal(random, sigma);

    public static double Uniform(Random random, double low, double high) => low + (high - low) * random.NextDouble();

    public static bool Chance(Random random, double probability) => random.NextDouble() < probability;
}
