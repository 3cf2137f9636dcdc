namespace AnimeProgress.Core.Estimation;

/// <summary>
/// How far off the blended estimate was on the compared runs at a like point, in units of the
/// error it expected then: the 10th and 90th percentiles of log(true / blended) / expected error,
/// and how many runs they rest on. The stated range reaches this far either side of the estimate.
/// </summary>
public readonly record struct RangeReach(double Low, double High, double Runs)
{
    public static RangeReach None { get; } = new(0, 0, 0);
}
