namespace AnimeProgress.Core.Estimation;

/// <summary>
/// How much a sample of a finished run counts for a running job: a Gaussian in each feature, the
/// widths chosen on the calibration seeds (docs/benchmarks.md, "ETA accuracy"), and a tenth for a
/// sample taken in the other state (stalled or moving).
/// </summary>
internal static class ScorecardKernel
{
    /// <summary>How far (in share of the run) the believed share may differ; the window searched is three of these either side.</summary>
    public const double BelievedWidth = 0.1;

    // Percentage points.
    private const double PercentWidth = 8;

    // Shares of the usual run length.
    private const double ShareWidth = 0.1;

    // Shares of the time so far spent stalled.
    private const double PausedWidth = 0.15;

    // Usual gaps between increments.
    private const double QuietWidth = 0.3;

    private const double OtherState = 0.1;

    // Below this a sample is not worth counting.
    private const double Negligible = 1e-4;

    /// <returns>The weight, 0 when negligible.</returns>
    public static double Weight(in SampleFeatures sample, in SampleFeatures job)
    {
        var believed = (sample.Believed - job.Believed) / BelievedWidth;
        var percent = (sample.Percent - job.Percent) / PercentWidth;
        var share = (sample.Share - job.Share) / ShareWidth;
        var paused = (sample.PausedShare - job.PausedShare) / PausedWidth;
        var quiet = (sample.Quiet - job.Quiet) / QuietWidth;
        var weight = Math.Exp(-0.5 * (believed * believed + percent * percent + share * share + paused * paused + quiet * quiet))
            * (sample.Stalled == job.Stalled ? 1 : OtherState);
        return weight < Negligible ? 0 : weight;
    }
}
