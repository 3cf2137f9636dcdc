using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Tests.Eta;

/// <summary>An <see cref="IEtaModel"/> that predicts a fixed remaining time and records how it was driven.</summary>
internal sealed class RecordingEtaModel(double? eta) : IEtaModel
{
    public double? Eta { get; } = eta;

    public List<(JobFacts Facts, DateTimeOffset At)> Starts { get; } = [];

    public List<(DateTimeOffset At, double Percent, Stage Stage)> Observations { get; } = [];

    public List<(TimeSpan Run, IReadOnlyDictionary<Stage, TimeSpan> Stages, bool Succeeded)> Finished { get; } = [];

    public IJobEstimator Start(JobFacts facts, DateTimeOffset runStartedAt)
    {
        Starts.Add((facts, runStartedAt));
        return new Job(this);
    }

    public void RecordFinished(JobFacts facts, TimeSpan runDuration, IReadOnlyDictionary<Stage, TimeSpan> stageDurations, bool succeeded) =>
        Finished.Add((runDuration, new Dictionary<Stage, TimeSpan>(stageDurations), succeeded));

    public double? ExpectedRunSeconds(JobFacts facts) => null;

    private sealed class Job(RecordingEtaModel model) : IJobEstimator
    {
        public void Observe(DateTimeOffset at, double percent, Stage stage) => model.Observations.Add((at, percent, stage));

        public Estimate EstimateAt(DateTimeOffset now) => new(null, RateTrend.Unknown, model.Eta, model.Eta, model.Eta);
    }
}
