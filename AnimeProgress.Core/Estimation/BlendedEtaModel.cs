using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Estimation;

/// <summary>
/// The first estimator: recent velocity blended with the job's average rate, no history prior.
/// Kept small on purpose; the measured engine replaces it behind <see cref="IEtaModel"/>.
/// </summary>
public sealed class BlendedEtaModel : IEtaModel
{
    public IJobEstimator Start(JobFacts facts, DateTimeOffset runStartedAt) => new Job(runStartedAt);

    public void RecordFinished(JobFacts facts, TimeSpan runDuration, IReadOnlyDictionary<Stage, TimeSpan> stageDurations, bool succeeded)
    {
    }

    public double? ExpectedRunSeconds(JobFacts facts) => null;

    private sealed class Job : IJobEstimator
    {
        private readonly RateTracker _rate = new();
        private double _percent;

        public Job(DateTimeOffset startedAt) => _rate.Start(startedAt);

        public void Observe(DateTimeOffset at, double percent, Stage stage)
        {
            if (percent > _percent || _rate.RecentRate(at) is null)
            {
                _rate.Add(at, percent);
            }

            _percent = Math.Max(_percent, percent);
        }

        public Estimate EstimateAt(DateTimeOffset now)
        {
            var rate = EtaEstimator.BlendedRate(_rate.RecentRate(now), _rate.AverageRate(now, _percent));
            var eta = EtaEstimator.RemainingSeconds(_percent, rate);
            return new Estimate(rate, RateTrend.Unknown, eta, eta, eta);
        }
    }
}
