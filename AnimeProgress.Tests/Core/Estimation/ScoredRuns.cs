using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Tests.Core.Estimation;

/// <summary>Hand-made finished runs whose samples say what each candidate predicted, for scorecard and blend tests.</summary>
internal static class ScoredRuns
{
    /// <summary>
    /// A run of <paramref name="total"/> seconds, percent growing with time, sampled
    /// <paramref name="samples"/> times; at each sample <paramref name="etas"/> gets the true
    /// remaining time and returns what the candidates said. The blend is taken to have said the
    /// stage-aware value, expecting an error of <paramref name="spread"/>.
    /// </summary>
    public static RunRecord Run(double total, Func<double, CandidateEtas> etas, int samples = 20, double spread = 0.1, double stalled = 0)
    {
        var list = new RunSample[samples];
        for (var i = 0; i < samples; i++)
        {
            var seconds = total * (i + 0.5) / samples;
            var said = etas(total - seconds);
            list[i] = new RunSample(seconds, said, said.StageAware ?? said.OwnPace ?? said.Linear, spread, Percent: 100 * seconds / total, Stalled: stalled);
        }

        return new RunRecord([new RunSegment(Stage.Rendering, 0, total, 0, 100)], total, list, priorLevel: HistoryLevel.Workflow);
    }

    /// <summary>What a candidate must say for log((truth + 1) / (said + 1)) to be exactly <paramref name="logRatio"/>.</summary>
    public static double Saying(double truth, double logRatio) => (truth + CandidateScorecard.Cushion) / Math.Exp(logRatio) - CandidateScorecard.Cushion;
}
