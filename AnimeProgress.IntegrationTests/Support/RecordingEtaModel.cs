using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.IntegrationTests.Support;

/// <summary>
/// The app's own ETA model, unchanged, with a note of how the tracker drove each job's estimator (every observation
/// and every estimate it got back), so a test can replay exactly that against a model of its own.
/// </summary>
internal sealed class RecordingEtaModel(StageAwareEtaModel inner) : IEtaModel
{
    private readonly Lock _gate = new();
    private readonly List<RecordedJob> _jobs = [];

    public IReadOnlyList<RecordedJob> Jobs
    {
        get
        {
            lock (_gate)
            {
                return [.. _jobs];
            }
        }
    }

    public IJobEstimator Start(JobFacts facts, DateTimeOffset runStartedAt)
    {
        var job = new RecordedJob(facts, runStartedAt, inner.Start(facts, runStartedAt));
        lock (_gate)
        {
            _jobs.Add(job);
        }

        return job;
    }

    public void RecordFinished(JobFacts facts, TimeSpan runDuration, IReadOnlyDictionary<Stage, TimeSpan> stageDurations, bool succeeded) =>
        inner.RecordFinished(facts, runDuration, stageDurations, succeeded);

    public double? ExpectedRunSeconds(JobFacts facts) => inner.ExpectedRunSeconds(facts);

    public EtaBasis? HistoryBasis(JobFacts facts) => inner.HistoryBasis(facts);
}

/// <summary>One call the tracker made on a job's estimator: an observation (percent and stage), or an estimate and what it said.</summary>
internal sealed record EstimatorCall(DateTimeOffset At, double Percent, Stage Stage, Estimate? Result);

/// <summary>A job's estimator as the tracker used it, and every call made on it.</summary>
internal sealed class RecordedJob(JobFacts facts, DateTimeOffset startedAt, IJobEstimator inner) : IJobEstimator
{
    private readonly Lock _gate = new();
    private readonly List<EstimatorCall> _calls = [];

    public JobFacts Facts { get; } = facts;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public IReadOnlyList<EstimatorCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public void Observe(DateTimeOffset at, double percent, Stage stage)
    {
        inner.Observe(at, percent, stage);
        lock (_gate)
        {
            _calls.Add(new EstimatorCall(at, percent, stage, null));
        }
    }

    public Estimate EstimateAt(DateTimeOffset now)
    {
        var estimate = inner.EstimateAt(now);
        lock (_gate)
        {
            _calls.Add(new EstimatorCall(now, 0, default, estimate));
        }

        return estimate;
    }
}
