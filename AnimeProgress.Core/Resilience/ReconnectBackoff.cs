namespace AnimeProgress.Core.Resilience;

/// <summary>Capped exponential backoff with full jitter: attempt n waits a random time in [d/2, d], d = min(cap, initial·2ⁿ).</summary>
public sealed class ReconnectBackoff(TimeSpan initial, TimeSpan cap, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;

    public TimeSpan DelayFor(int attempt)
    {
        var exponent = Math.Min(Math.Max(attempt, 0), 30);
        var ceiling = Math.Min(cap.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ceiling / 2 + _random.NextDouble() * ceiling / 2);
    }
}
