namespace AnimeProgress.Core.Estimation;

/// <summary>
/// Remaining seconds from the blended rate: recent speed weighs more, the average keeps a pause
/// from sending the estimate to infinity. Returns null rather than a made-up number.
/// </summary>
public static class EtaEstimator
{
    public const double RecentWeight = 0.65;

    public static double? BlendedRate(double? recent, double? average) => (recent, average) switch
    {
        ({ } r, { } a) => RecentWeight * r + (1 - RecentWeight) * a,
        (null, { } a) => a,
        ({ } r, null) => r,
        _ => null,
    };

    public static double? RemainingSeconds(double percent, double? ratePercentPerMinute)
    {
        if (percent >= 100)
        {
            return 0;
        }

        if (percent < 0.5 || ratePercentPerMinute is not > 0.01)
        {
            return null;
        }

        return Math.Min((100 - percent) / ratePercentPerMinute.Value * 60, TimeSpan.FromDays(2).TotalSeconds);
    }
}
