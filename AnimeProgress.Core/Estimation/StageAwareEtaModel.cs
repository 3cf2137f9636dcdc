using System.Runtime.CompilerServices;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Estimation;

/// <summary>
/// The measured ETA engine (see docs/benchmarks.md, "ETA accuracy"): stage-aware, velocity-aware
/// and history-aware, and never tied to one way of estimating: each job's candidates are weighed
/// by how they did on its workflow's finished runs, and its p10–p90 range by how far off the
/// blend was on them. A singleton; thread-safe. Jobs get a prior from finished runs of the same
/// workflow (on the same instance first), else the same kind on the same instance, else the same
/// kind; the job's own progress takes over as it advances. <see cref="History"/> exports and
/// imports what it remembers (<see cref="RunHistorySnapshot"/>) for a store to keep across restarts.
/// </summary>
public sealed class StageAwareEtaModel : IEtaModel
{
    private readonly RunHistory _history;

    // The estimator of each running job, by the identity of the facts the tracker passes to both
    // Start and RecordFinished, so a finished run is remembered with its stage visits and percents.
    // Weak: a job that is never finished (cancelled) leaves nothing behind.
    private readonly ConditionalWeakTable<JobFacts, StageAwareJobEstimator> _running = new();

    public StageAwareEtaModel()
        : this(new RunHistory())
    {
    }

    public StageAwareEtaModel(RunHistory history) => _history = history;

    public RunHistory History => _history;

    /// <summary>
    /// Raised with every run the history learns from, as the plain record a store keeps, on the thread that
    /// called <see cref="RecordFinished"/> (the tracker's): a handler must only hand it over, never wait.
    /// </summary>
    public event Action<RunSnapshot>? Remembered;

    public IJobEstimator Start(JobFacts facts, DateTimeOffset runStartedAt)
    {
        var estimator = new StageAwareJobEstimator(runStartedAt, _history.Lookup(facts));
        _running.AddOrUpdate(facts, estimator);
        return estimator;
    }

    /// <remarks>
    /// Call it on the thread that drove the job's estimator (the tracker's loop does both), with
    /// the same <see cref="JobFacts"/> instance given to <see cref="Start"/>; otherwise the run is
    /// remembered from <paramref name="stageDurations"/> only. Failed runs stop early and are not
    /// kept as a guide to how long a run takes.
    /// </remarks>
    public void RecordFinished(JobFacts facts, TimeSpan runDuration, IReadOnlyDictionary<Stage, TimeSpan> stageDurations, bool succeeded)
    {
        _running.TryGetValue(facts, out var estimator);
        _running.Remove(facts);
        if (!succeeded || runDuration <= TimeSpan.Zero)
        {
            return;
        }

        var seconds = runDuration.TotalSeconds;
        var run = estimator?.ToRunRecord(seconds) ?? RunRecord.FromStageTotals(seconds, stageDurations);
        _history.Add(facts, run);
        Remembered?.Invoke(RunSnapshotMapping.ToSnapshot(facts, run));
    }

    public double? ExpectedRunSeconds(JobFacts facts) => _history.Lookup(facts).MedianRunSeconds;

    public EtaBasis HistoryBasis(JobFacts facts) => EtaBasisOf.TypicalRun(_history.Lookup(facts));
}
