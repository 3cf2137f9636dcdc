namespace AnimeProgress.Core.Estimation;

/// <summary>
/// What the engine predicted at <paramref name="Seconds"/> into a run: each candidate's remaining
/// time, the blended one it showed, and the error it expected of that (<paramref name="Spread"/>,
/// a mean absolute log ratio). Once the run has finished, its true remaining time at that moment
/// scores every candidate, and the blend's error in units of its expected error sizes the range,
/// for the runs that come after it. <paramref name="Percent"/> is the job's percent then,
/// <paramref name="Stalled"/> how long progress had stopped beyond its usual pace (0 while it
/// moves), <paramref name="Paused"/> the seconds of such stalls so far, this one included, and
/// <paramref name="Quiet"/> the time since the last increment over the usual gap between increments
/// (how far through a lump of progress the job was): estimates err differently at other points of
/// the graph, between increments, while stalled, and in runs that pause.
/// </summary>
public readonly record struct RunSample(double Seconds, CandidateEtas Etas, double? Blended, double? Spread = null, double Percent = 0, double Stalled = 0, double Paused = 0, double Quiet = 0);
