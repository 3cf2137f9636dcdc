using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Estimation;

/// <summary>
/// Everything a <see cref="RunHistory"/> remembers, as small plain records a store can keep (every
/// value a number, a string, an enum or null; no NaN): the finished runs, oldest first. Loading a
/// snapshot into a new history gives a model that estimates exactly as the old one did.
/// </summary>
/// <param name="Format">The shape of these records; a store that finds another format starts empty.</param>
public sealed record RunHistorySnapshot(int Format, IReadOnlyList<RunSnapshot> Runs)
{
    public const int CurrentFormat = 1;

    public static RunHistorySnapshot Empty { get; } = new(CurrentFormat, []);
}

/// <summary>One finished run and the job it belonged to.</summary>
/// <param name="FinishedAt">When it ended, if known: a store may order and prune by it.</param>
/// <param name="PriorLevel">The history the engine had for it while it ran.</param>
/// <param name="Segments">The stage visits, in order.</param>
/// <param name="Samples">What the engine predicted during the run.</param>
public sealed record RunSnapshot(
    JobKind Kind,
    string? WorkflowKey,
    string? Instance,
    double TotalSeconds,
    DateTimeOffset? FinishedAt,
    HistoryLevel PriorLevel,
    IReadOnlyList<SegmentSnapshot> Segments,
    IReadOnlyList<SampleSnapshot> Samples);

/// <summary>One stage visit; percents null when unknown; the curve as two parallel lists (seconds into the visit, percent done in it).</summary>
public sealed record SegmentSnapshot(
    Stage Stage,
    double StartSeconds,
    double EndSeconds,
    double? StartPercent,
    double? EndPercent,
    IReadOnlyList<double>? CurveSeconds,
    IReadOnlyList<double>? CurveDone);

/// <summary>One <see cref="RunSample"/>: seconds into the run, each candidate's remaining time, the blended one, its expected error, the percent and the stall then.</summary>
public sealed record SampleSnapshot(double Seconds, double? StageAware, double? Linear, double? OwnPace, double? Blended, double? Spread, double Percent, double Stalled, double Paused, double Quiet);
