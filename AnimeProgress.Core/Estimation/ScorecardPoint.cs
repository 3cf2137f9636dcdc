namespace AnimeProgress.Core.Estimation;

/// <summary>Where a running job is, as the scorecard compares it with the samples of finished runs.</summary>
/// <param name="Elapsed">Seconds since the run started.</param>
/// <param name="Percent">The job's percent.</param>
/// <param name="Stalled">Whether progress has stopped for longer than its usual pace.</param>
/// <param name="Paused">Seconds of such stalls so far, the current one included.</param>
/// <param name="Quiet">Time since the last increment over the usual gap between increments.</param>
public readonly record struct ScorecardPoint(double Elapsed, double Percent, bool Stalled, double Paused = 0, double Quiet = 0)
{
    /// <summary>The share of the time so far that progress stood still.</summary>
    public double PausedShare => Elapsed > 0 ? Math.Clamp(Paused / Elapsed, 0, 1) : 0;
}
