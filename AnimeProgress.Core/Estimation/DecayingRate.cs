namespace AnimeProgress.Core.Estimation;

/// <summary>
/// Progress speed in percent per second in which older progress fades with a time constant, so
/// recent speed counts more. It is fed the intervals between progress increments, so a job that
/// reports in lumps (a video sampler step every few seconds) does not look jerky; a stall is
/// added at read time as time without progress.
/// </summary>
internal struct DecayingRate
{
    private readonly double _timeConstant;
    private double _percent;
    private double _seconds;

    public DecayingRate(double timeConstantSeconds) => _timeConstant = timeConstantSeconds;

    public readonly bool HasData => _seconds > 0;

    /// <summary>The (decayed) time the rate is measured over.</summary>
    public readonly double Seconds => _seconds;

    public void Add(double seconds, double percent)
    {
        var keep = seconds > 0 ? Math.Exp(-seconds / _timeConstant) : 1;
        _percent = _percent * keep + percent;
        _seconds = _seconds * keep + Math.Max(0, seconds);
    }

    /// <summary>Percent per second; <paramref name="stalledSeconds"/> of no progress since the last increment count in.</summary>
    public readonly double? PerSecond(double stalledSeconds = 0)
    {
        if (_seconds <= 0)
        {
            return null;
        }

        var keep = stalledSeconds > 0 ? Math.Exp(-stalledSeconds / _timeConstant) : 1;
        return _percent * keep / (_seconds * keep + Math.Max(0, stalledSeconds));
    }
}
