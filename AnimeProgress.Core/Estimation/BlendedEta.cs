namespace AnimeProgress.Core.Estimation;

/// <summary>
/// The engine's remaining run time and its stated p10–p90 range, in seconds, and the error it
/// expects of the point (mean absolute log ratio of the truth over it), which the range is scaled by.
/// <paramref name="Leading"/> is the candidate that weighs most in the point (the one with the smallest expected error).
/// </summary>
public readonly record struct BlendedEta(double Point, double Low, double High, double Spread, EtaCandidate Leading = EtaCandidate.StageAware);
