namespace AnimeProgress.ComfyUiEmulator.Execution;

/// <summary>Turns simulated seconds into real waits, scaled by EmulatorOptions.TimeScale, with a little seeded jitter.</summary>
internal sealed class SimulatedTime(double timeScale, int seed)
{
    private const double JitterFraction = 0.08;
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();

    /// <summary>Seconds × (1 ± 8 %), deterministic for a given seed and call order.</summary>
    public double Jitter(double seconds)
    {
        lock (_gate)
        {
            return seconds * (1 + ((_random.NextDouble() * 2) - 1) * JitterFraction);
        }
    }

    public Task DelayAsync(double seconds, CancellationToken cancellationToken)
    {
        var milliseconds = seconds * timeScale * 1000;
        return milliseconds < 0.5
            ? Task.CompletedTask
            : Task.Delay(TimeSpan.FromMilliseconds(milliseconds), cancellationToken);
    }
}
