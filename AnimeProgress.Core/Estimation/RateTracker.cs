namespace AnimeProgress.Core.Estimation;

/// <summary>
/// Progress rate of one job in percent per minute: the recent slope over a sliding window
/// (so speed changes show quickly) and the average since the job started (so a pause does not
/// drive the rate to zero).
/// </summary>
public sealed class RateTracker(TimeSpan window)
{
    private readonly Queue<(DateTimeOffset At, double Percent)> _samples = new();
    private DateTimeOffset? _startedAt;

    public RateTracker()
        : this(TimeSpan.FromSeconds(20))
    {
    }

    public void Start(DateTimeOffset at) => _startedAt ??= at;

    public void Add(DateTimeOffset at, double percent)
    {
        _startedAt ??= at;
        _samples.Enqueue((at, percent));
        // Keep one sample older than the window so the slope always spans the whole window.
        while (_samples.Count > 2 && at - _samples.ElementAt(1).At > window)
        {
            _samples.Dequeue();
        }
    }

    /// <summary>Slope over the window up to <paramref name="now"/>; time without progress counts, so a stall lowers it.</summary>
    public double? RecentRate(DateTimeOffset now)
    {
        if (_samples.Count < 2)
        {
            return null;
        }

        var first = _samples.Peek();
        var last = _samples.Last();
        var minutes = (now - first.At).TotalMinutes;
        if (minutes < 2.0 / 60)
        {
            return null;
        }

        return Math.Max(0, (last.Percent - first.Percent) / minutes);
    }

    public double? AverageRate(DateTimeOffset now, double percent)
    {
        if (_startedAt is not { } started)
        {
            return null;
        }

        var minutes = (now - started).TotalMinutes;
        return minutes < 2.0 / 60 ? null : percent / minutes;
    }
}
