namespace AnimeProgress.Core.Estimation;

/// <summary>
/// How one candidate did near a point of the run, on the compared finished runs: its typical
/// bias and spread as log ratios of the true remaining time over the predicted one.
/// </summary>
/// <param name="Bias">The correction to apply: the weighted median log ratio (positive: the candidate said too little), shrunk while runs are few.</param>
/// <param name="Error">Weighted mean absolute log ratio left after that correction.</param>
/// <param name="Runs">How many runs the figures rest on (kernel-weighted, each run at most once).</param>
public readonly record struct CandidateFit(double Bias, double Error, double Runs)
{
    public static CandidateFit None { get; } = new(0, 0, 0);
}
