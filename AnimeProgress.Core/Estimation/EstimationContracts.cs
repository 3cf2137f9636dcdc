using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Estimation;

/// <summary>What the history prior may use to find comparable jobs.</summary>
/// <param name="WorkflowKey">A stable hash of the graph's structure (see <see cref="WorkflowKey"/>); null when unknown.</param>
public sealed record JobFacts(JobKind Kind, string? WorkflowKey, string? Instance);

/// <summary>One estimate: smoothed rate with its trend, the remaining run time with an uncertainty range, and what it rests on.</summary>
public sealed record Estimate(
    double? RatePercentPerMinute,
    RateTrend Trend,
    double? EtaSeconds,
    double? EtaLowSeconds,
    double? EtaHighSeconds,
    EtaBasis? Basis = null)
{
    public static Estimate Unknown { get; } = new(null, RateTrend.Unknown, null, null, null);
}

/// <summary>
/// The shared ETA model (a singleton, thread-safe): remembers finished jobs and hands out a
/// per-job estimator when a job starts running.
/// </summary>
public interface IEtaModel
{
    IJobEstimator Start(JobFacts facts, DateTimeOffset runStartedAt);

    /// <summary>
    /// Feeds the history prior; waiting time is never part of <paramref name="runDuration"/>. Pass
    /// the same <paramref name="facts"/> instance given to <see cref="Start"/>, on the thread that
    /// drove the job's estimator, so the model can keep the run's progress curve, not only its
    /// stage totals.
    /// </summary>
    void RecordFinished(JobFacts facts, TimeSpan runDuration, IReadOnlyDictionary<Stage, TimeSpan> stageDurations, bool succeeded);

    /// <summary>What history expects a whole run of such a job to take; null without history.</summary>
    double? ExpectedRunSeconds(JobFacts facts);

    /// <summary>What <see cref="ExpectedRunSeconds"/> rests on (for the line that explains a queued job's ETA); null when the model does not say.</summary>
    EtaBasis? HistoryBasis(JobFacts facts) => null;
}

/// <summary>Estimator for one running job; used only on the tracker's thread.</summary>
public interface IJobEstimator
{
    void Observe(DateTimeOffset at, double percent, Stage stage);

    Estimate EstimateAt(DateTimeOffset now);
}
