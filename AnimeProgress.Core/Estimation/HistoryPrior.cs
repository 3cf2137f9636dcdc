namespace AnimeProgress.Core.Estimation;

/// <summary>The finished runs a job's estimate leans on, taken when the job starts (an immutable copy).</summary>
public sealed class HistoryPrior
{
    public static HistoryPrior Empty { get; } = new(HistoryLevel.None, []);

    public HistoryPrior(HistoryLevel level, IReadOnlyList<RunRecord> runs)
    {
        Level = level;
        Runs = runs;
    }

    public HistoryLevel Level { get; }

    public IReadOnlyList<RunRecord> Runs { get; }

    /// <summary>Median run time of the runs; null without any.</summary>
    public double? MedianRunSeconds => Runs.Count == 0 ? null : Quantiles.Median(Runs.Select(r => r.TotalSeconds).ToArray());
}
