using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Estimation;

/// <summary>
/// One visit of a run to a stage, in seconds since the run started. Percents are NaN and the
/// curve is null when the run was recorded from stage totals only (then only its durations can be
/// compared).
/// </summary>
public readonly record struct RunSegment(Stage Stage, double StartSeconds, double EndSeconds, double StartPercent, double EndPercent, SegmentCurve? Curve = null)
{
    public double Seconds => EndSeconds - StartSeconds;

    /// <summary>How many percent the segment covered; 0 when unknown.</summary>
    public double PercentSpan => double.IsFinite(EndPercent - StartPercent) ? Math.Max(0, EndPercent - StartPercent) : 0;
}
