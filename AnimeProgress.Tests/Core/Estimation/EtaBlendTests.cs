using AnimeProgress.Core.Estimation;

namespace AnimeProgress.Tests.Core.Estimation;

/// <summary>How the candidates become one estimate and a range.</summary>
public sealed class EtaBlendTests
{
    private static readonly ScorecardPoint Halfway = new(50, 50, false);

    private static CandidateScorecard Card(Func<double, CandidateEtas> said, int runs = 12) =>
        CandidateScorecard.From(Enumerable.Range(0, runs).Select(_ => ScoredRuns.Run(100, said, samples: 40)).ToList());

    [Fact]
    public void The_candidate_that_was_right_on_the_workflows_runs_decides()
    {
        // On this workflow the stage-aware estimate always said 30 % too much, noisily; linear was right.
        var random = new Random(5);
        var card = Card(t => new(ScoredRuns.Saying(t, Math.Log(1 / 1.3) + 0.2 * (random.NextDouble() - 0.5)), t, null));

        var blended = EtaBlend.Combine(Halfway, new CandidateEtas(65, 50, null), card);

        Assert.NotNull(blended);
        Assert.Equal(50, blended.Value.Point, 50 * 0.05);
    }

    [Fact]
    public void On_another_workflow_the_other_candidate_decides()
    {
        // Here linear was off either way by a third, the stage-aware estimate right.
        var random = new Random(6);
        var card = Card(t => new(t, ScoredRuns.Saying(t, random.NextDouble() < 0.5 ? -0.3 : 0.3), null));

        var blended = EtaBlend.Combine(Halfway, new CandidateEtas(50, 70, null), card);

        Assert.Equal(50, blended!.Value.Point, 50 * 0.05);
    }

    [Fact]
    public void A_bias_every_run_showed_is_corrected()
    {
        // Own pace always said half of what was left.
        var card = Card(t => new(null, null, ScoredRuns.Saying(t, Math.Log(2))), runs: 30);

        var blended = EtaBlend.Combine(Halfway, new CandidateEtas(null, null, ScoredRuns.Saying(50, Math.Log(2))), card);

        // Most of the bias: the correction is shrunk a little while it rests on a few dozen runs.
        Assert.InRange(blended!.Value.Point, 42, 51);
    }

    [Fact]
    public void Without_any_candidate_there_is_no_estimate()
    {
        Assert.Null(EtaBlend.Combine(Halfway, default, CandidateScorecard.Empty));
    }

    [Fact]
    public void Without_runs_the_range_is_a_normal_p10_to_p90_around_the_estimate()
    {
        var blended = EtaBlend.Combine(Halfway, new CandidateEtas(50, null, null), CandidateScorecard.Empty)!.Value;

        Assert.Equal(50, blended.Point, 6);
        // Symmetric in log((seconds + 1)): as far below as above.
        Assert.Equal(Math.Log(51) - Math.Log(blended.Low + 1), Math.Log(blended.High + 1) - Math.Log(51), 6);
        Assert.InRange(blended.Low, 20, 45);
        Assert.InRange(blended.High, 55, 120);
    }

    [Fact]
    public void However_wild_the_past_misses_the_range_stays_within_four_times_the_estimate_either_side()
    {
        // The blend's runs missed by ten times either way, while the stage-aware estimate was off by a factor of e.
        var random = new Random(3);
        var card = CandidateScorecard.From(Enumerable.Range(0, 20).Select(_ => ScoredRuns.Run(100, t =>
            new(ScoredRuns.Saying(t, random.NextDouble() < 0.5 ? -1 : 1), null, null), spread: 0.2)).ToList());

        var blended = EtaBlend.Combine(Halfway, new CandidateEtas(50, null, null), card)!.Value;

        Assert.True(blended.High + 1 <= 4 * (blended.Point + 1) + 1e-9, $"{blended.Point:F1} s, up to {blended.High:F1} s");
        Assert.True(blended.Low + 1 >= (blended.Point + 1) / 4 - 1e-9, $"{blended.Point:F1} s, from {blended.Low:F1} s");
    }

    [Fact]
    public void The_range_holds_about_eight_in_ten_true_finishes_of_runs_like_the_ones_it_learned_from()
    {
        // The truth scatters log-normally (sigma 0.25) around what the stage-aware estimate says.
        var random = new Random(11);
        double Noise() => 0.25 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var history = new List<RunRecord>();
        var inside = 0;
        const int Jobs = 400;
        for (var job = 0; job < Jobs + 40; job++)
        {
            var card = CandidateScorecard.From(history.TakeLast(50).ToList());
            var truth = 50.0;
            var said = ScoredRuns.Saying(truth, Noise());
            var blended = EtaBlend.Combine(Halfway, new CandidateEtas(said, null, null), card)!.Value;
            if (job >= 40)
            {
                inside += blended.Low <= truth && truth <= blended.High ? 1 : 0;
            }

            // The run as history keeps it: what the blend said at its samples, and the error it expected.
            var samples = Enumerable.Range(0, 20).Select(i =>
            {
                var seconds = 100 * (i + 0.5) / 20;
                var left = 100 - seconds;
                var stage = ScoredRuns.Saying(left, Noise());
                var b = EtaBlend.Combine(new ScorecardPoint(seconds, seconds, false), new CandidateEtas(stage, null, null), card)!.Value;
                return new RunSample(seconds, new CandidateEtas(stage, null, null), b.Point, b.Spread, Percent: seconds);
            }).ToArray();
            history.Add(new RunRecord([new RunSegment(AnimeProgress.Core.Jobs.Stage.Rendering, 0, 100, 0, 100)], 100, samples, priorLevel: HistoryLevel.Workflow));
        }

        Assert.InRange((double)inside / Jobs, 0.72, 0.88);
    }
}
