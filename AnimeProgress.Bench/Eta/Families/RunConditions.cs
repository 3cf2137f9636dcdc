namespace AnimeProgress.Bench.Eta.Families;

/// <summary>A change of the GPU's speed from <paramref name="At"/> run seconds, until <paramref name="Until"/> (for good when null).</summary>
internal readonly record struct SpeedChange(double At, double Factor, double? Until = null);

/// <summary>The GPU taken away at <paramref name="At"/> run seconds for <paramref name="Seconds"/>: no messages meanwhile.</summary>
internal readonly record struct Pause(double At, double Seconds);

/// <summary>What happens to one simulated run besides its graph: the GPU's speed and its changes, pauses, a failure.</summary>
internal sealed record RunConditions
{
    /// <summary>Multiplies every GPU node's seconds: the instance's slowness times the job's own noise.</summary>
    public double GpuSlowness { get; init; } = 1;

    /// <summary>Multiplicative log-normal noise of each progress step's time (sigma).</summary>
    public double StepJitter { get; init; } = 0.05;

    public IReadOnlyList<SpeedChange> SpeedChanges { get; init; } = [];

    public IReadOnlyList<Pause> Pauses { get; init; } = [];

    /// <summary>Run seconds at which the job fails; null when it completes.</summary>
    public double? FailAt { get; init; }
}
