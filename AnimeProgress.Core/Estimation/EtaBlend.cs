namespace AnimeProgress.Core.Estimation;

/// <summary>
/// Turns the candidates into one estimate and its range. Each candidate is corrected by the bias
/// it showed on the compared runs where it said much the same, and weighed by how small the error
/// it had there was against the best one's, so the estimate that works for this workflow wins by
/// itself (the stage-aware one where percent is not time, the job's own pace or linear where it
/// is). Where runs are few, each candidate's standing starts from a prior error and moves towards
/// what the runs show. The range is the p10–p90 of the blended estimate's own errors on those runs
/// at a like point, in units of the error it expected (normalised conformal), times the error
/// expected now; a normal's p10–p90 while runs are few.
/// </summary>
public static class EtaBlend
{
    /// <summary>The share of true finishes the range is meant to hold: p10 to p90.</summary>
    public const double LowQuantile = 0.1;

    public const double HighQuantile = 0.9;

    // The p90 of a normal in units of its mean absolute deviation (1.2816 sigma, and sigma is 1.2533 of those).
    private const double DefaultReach = 1.2816 * 1.2533;

    // Pseudo-runs of prior belief: a candidate's standing moves to its record as runs accumulate.
    private const double PriorRuns = 2;

    // How strongly a lower error wins: the weight is (best error / own error) to this power. The
    // candidates' errors move together (a slowdown fools them all), so averaging them buys little.
    private const double Sharpness = 4;

    // Runs a candidate's record must rest on before its error, not its prior, sizes the range.
    private const double SpreadRuns = 1;

    // A floor for that error (1.5 %): runs that agree to the second do not promise the next one will.
    private const double MinimumSpread = 0.015;

    // Pseudo-runs of the normal p10-p90 in the range while runs are few.
    private const double ReachPriorRuns = 1;

    // The p10 and p90 of a few runs lie too close together (of n values, the outermost two hold only
    // (n - 1) / (n + 1) of the next one): they are widened by 1 + this / (runs + 1). Chosen with
    // the two above on the calibration seeds.
    private const double SmallSample = 1.5;

    // The range never reaches beyond a factor of four either side of the estimate (in seconds plus
    // the cushion): past that it tells an operator nothing, and on the calibration seeds such
    // ranges were rare early guesses of workflows with a handful of runs.
    private static readonly double MaxReach = Math.Log(4);

    // The prior error of each candidate (mean absolute log error) before any run has scored it.
    // Linear starts far behind: where percent is not time it is badly wrong, and the runs must show it works.
    private static readonly double[] PriorError = [0.25, 0.6, 0.4];

    public static BlendedEta? Combine(ScorecardPoint at, CandidateEtas etas, CandidateScorecard scorecard)
    {
        Span<double> corrected = stackalloc double[CandidateEtas.All.Count];
        Span<double> errors = stackalloc double[CandidateEtas.All.Count];
        var best = double.PositiveInfinity;
        var spread = double.NaN;
        var leading = EtaCandidate.StageAware;
        foreach (var candidate in CandidateEtas.All)
        {
            var i = (int)candidate;
            errors[i] = double.NaN;
            if (etas[candidate] is not { } eta || !double.IsFinite(eta))
            {
                continue;
            }

            var fit = scorecard.Fit(candidate, at, eta);
            errors[i] = (fit.Runs * fit.Error + PriorRuns * PriorError[i]) / (fit.Runs + PriorRuns);
            corrected[i] = Math.Log(Math.Max(0, eta) + CandidateScorecard.Cushion) + fit.Bias;
            if (errors[i] < best)
            {
                best = errors[i];
                leading = candidate;
                // The error the winner showed (not shrunk to its prior): what the range is scaled by.
                spread = fit.Runs >= SpreadRuns ? Math.Max(MinimumSpread, fit.Error) : PriorError[i];
            }
        }

        if (double.IsPositiveInfinity(best))
        {
            return null;
        }

        double sum = 0, weights = 0;
        for (var i = 0; i < errors.Length; i++)
        {
            if (!double.IsNaN(errors[i]))
            {
                var weight = Math.Pow(best / Math.Max(errors[i], 1e-6), Sharpness);
                sum += weight * corrected[i];
                weights += weight;
            }
        }

        var log = sum / weights;
        var point = Math.Max(0, Math.Exp(log) - CandidateScorecard.Cushion);
        var reach = scorecard.Reach(at, point);
        // Few runs put the p10 and p90 too close together: widen by a small-sample factor.
        var widen = 1 + SmallSample / (reach.Runs + 1);
        var low = (reach.Runs * reach.Low * widen - ReachPriorRuns * DefaultReach) / (reach.Runs + ReachPriorRuns);
        var high = (reach.Runs * reach.High * widen + ReachPriorRuns * DefaultReach) / (reach.Runs + ReachPriorRuns);
        return new BlendedEta(
            point,
            Math.Max(0, Math.Exp(log + Math.Max(Math.Min(low, 0) * spread, -MaxReach)) - CandidateScorecard.Cushion),
            Math.Max(0, Math.Exp(log + Math.Min(Math.Max(high, 0) * spread, MaxReach)) - CandidateScorecard.Cushion),
            spread,
            leading);
    }
}
