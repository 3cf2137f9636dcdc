namespace AnimeProgress.Core.Estimation;

/// <summary>
/// What a running job and a sample of a finished run are compared by: how far into the run the
/// estimate believed it was, the percent, the elapsed time as a share of the usual run length, the
/// share of time spent stalled, how far through a lump of progress it was, and whether it was
/// stalled. All of it can be computed while a job runs (the true share of the run cannot).
/// </summary>
internal readonly record struct SampleFeatures(double Believed, double Percent, double Share, double PausedShare, double Quiet, bool Stalled)
{
    /// <summary>The features of <paramref name="at"/> for an estimate of <paramref name="remaining"/> seconds, with runs usually <paramref name="typical"/> seconds long.</summary>
    public static SampleFeatures Of(ScorecardPoint at, double remaining, double typical) => new(
        at.Elapsed + Math.Max(0, remaining) <= 0 ? 0 : at.Elapsed / (at.Elapsed + Math.Max(0, remaining)),
        at.Percent,
        typical > 0 ? at.Elapsed / typical : 0,
        at.PausedShare,
        Math.Min(at.Quiet, 2),
        at.Stalled);
}
