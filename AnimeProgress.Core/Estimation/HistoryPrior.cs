namespace AnimeProgress.Core.Estimation;

/// <summary>The finished runs a job's estimate leans on, taken when the job starts (an immutable copy).</summary>
public sealed class HistoryPrior
{
    public static HistoryPrior Empty { get; } = new(HistoryLevel.None, []);

    public HistoryPrior(HistoryLevel level, IReadOnlyList<RunRecord> runs, IReadOnlyList<RunRecord>? scoringRuns = null)
    {
        Level = level;
        Runs = runs;
        ScoringRuns = scoringRuns ?? runs;
    }

    public HistoryLevel Level { get; }

    public IReadOnlyList<RunRecord> Runs { get; }

    /// <summary>
    /// The runs whose samples score the candidate estimates: the same workflow on every instance
    /// (how well an estimate works is a property of the workflow more than of the machine), or for a
    /// job compared only with its kind, other such jobs; in either case only runs that were in the
    /// same situation when they ran.
    /// </summary>
    public IReadOnlyList<RunRecord> ScoringRuns { get; }

    /// <summary>Median run time of the runs; null without any.</summary>
    public double? MedianRunSeconds => Runs.Count == 0 ? null : Quantiles.Median(Runs.Select(r => r.TotalSeconds).ToArray());
}
