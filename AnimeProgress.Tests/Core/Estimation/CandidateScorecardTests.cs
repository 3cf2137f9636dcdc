using AnimeProgress.Core.Estimation;

namespace AnimeProgress.Tests.Core.Estimation;

/// <summary>How the scorecard reads the candidates' records off finished runs.</summary>
public sealed class CandidateScorecardTests
{
    private static readonly double Half = Math.Log(2);

    // Stage-aware always right, linear always half the truth (log ratio ln 2), own pace 20 % long.
    private static CandidateEtas Said(double truth) => new(truth, ScoredRuns.Saying(truth, Half), ScoredRuns.Saying(truth, Math.Log(1 / 1.2)));

    [Fact]
    public void A_candidate_that_was_right_shows_no_bias_and_one_that_said_half_a_bias_towards_ln_2_that_more_runs_confirm()
    {
        CandidateScorecard Card(int runs) => CandidateScorecard.From(Enumerable.Range(0, runs).Select(_ => ScoredRuns.Run(100, Said)).ToList());
        var at = new ScorecardPoint(50, 50, false);
        var saidHalf = ScoredRuns.Saying(50, Half);

        var right = Card(5).Fit(EtaCandidate.StageAware, at, 50);
        var fewRuns = Card(5).Fit(EtaCandidate.Linear, at, saidHalf);
        var manyRuns = Card(40).Fit(EtaCandidate.Linear, at, saidHalf);
        var tooLong = Card(40).Fit(EtaCandidate.OwnPace, at, ScoredRuns.Saying(50, Math.Log(1 / 1.2)));

        Assert.Equal((0, 0), (Math.Round(right.Bias, 9), Math.Round(right.Error, 9)));
        Assert.InRange(fewRuns.Bias, 0.3 * Half, 0.7 * Half);
        Assert.InRange(manyRuns.Bias, 0.85 * Half, Half);
        // What is left after the (shrunk) correction is the error.
        Assert.Equal(Half - fewRuns.Bias, fewRuns.Error, 9);
        Assert.InRange(tooLong.Bias, Math.Log(1 / 1.2), 0.85 * Math.Log(1 / 1.2));
    }

    [Fact]
    public void Each_run_counts_at_most_once_however_many_samples_it_took()
    {
        var dense = CandidateScorecard.From([ScoredRuns.Run(100, Said, samples: 200)]);
        var sparse = CandidateScorecard.From([ScoredRuns.Run(100, Said, samples: 10), ScoredRuns.Run(100, Said, samples: 10)]);
        var at = new ScorecardPoint(50, 50, false);

        Assert.InRange(dense.Fit(EtaCandidate.StageAware, at, 50).Runs, 0.5, 1);
        Assert.InRange(sparse.Fit(EtaCandidate.StageAware, at, 50).Runs, 1, 2);
    }

    [Fact]
    public void Only_samples_taken_at_a_like_point_of_the_run_count()
    {
        // Linear was right in the first half of every run and said half the truth in the second.
        CandidateEtas EarlyRight(double truth) => new(truth, truth > 50 ? truth : ScoredRuns.Saying(truth, Half), truth);
        var card = CandidateScorecard.From(Enumerable.Range(0, 8).Select(_ => ScoredRuns.Run(100, EarlyRight, samples: 40)).ToList());

        var early = card.Fit(EtaCandidate.Linear, new ScorecardPoint(20, 20, false), 80);
        var late = card.Fit(EtaCandidate.Linear, new ScorecardPoint(80, 80, false), ScoredRuns.Saying(20, Half));

        Assert.InRange(early.Bias, -0.02, 0.02);
        Assert.InRange(late.Bias, 0.5 * Half, Half);
    }

    [Fact]
    public void A_stalled_job_is_compared_with_samples_taken_while_stalled()
    {
        // While moving, own pace was right; while stalled it said half the truth.
        var runs = Enumerable.Range(0, 6).Select(_ => ScoredRuns.Run(100, Said)).ToList();
        runs.AddRange(Enumerable.Range(0, 6).Select(_ => ScoredRuns.Run(100, t => new(t, t, ScoredRuns.Saying(t, Half)), stalled: 10)));
        var card = CandidateScorecard.From(runs);

        var stalled = card.Fit(EtaCandidate.OwnPace, new ScorecardPoint(50, 50, true, 10), ScoredRuns.Saying(50, Half));
        var moving = card.Fit(EtaCandidate.OwnPace, new ScorecardPoint(50, 50, false), ScoredRuns.Saying(50, Math.Log(1 / 1.2)));

        Assert.InRange(stalled.Bias, 0.5 * Half, Half);
        Assert.InRange(moving.Bias, Math.Log(1 / 1.2), 0.5 * Math.Log(1 / 1.2));
    }

    [Fact]
    public void The_reach_is_the_p10_to_p90_of_the_blends_misses_in_units_of_the_error_it_expected()
    {
        // Twenty runs whose blend missed by -2, -1.8, … 1.8 expected errors (0.1 each), in an order
        // unrelated to their age (newer runs weigh a little more).
        var runs = Enumerable.Range(0, 20).Select(k =>
        {
            var miss = -2 + 0.2 * (k * 7 % 20);
            return ScoredRuns.Run(100, t => new(ScoredRuns.Saying(t, miss * 0.1), null, null), spread: 0.1);
        }).ToList();
        var card = CandidateScorecard.From(runs);

        var reach = card.Reach(new ScorecardPoint(50, 50, false), 50);

        Assert.InRange(reach.Low, -1.8, -1.3);
        Assert.InRange(reach.High, 1.1, 1.7);
        Assert.InRange(reach.Runs, 10, 20);
    }

    [Fact]
    public void Without_runs_nothing_is_known()
    {
        var at = new ScorecardPoint(10, 10, false);

        Assert.Equal(CandidateFit.None, CandidateScorecard.Empty.Fit(EtaCandidate.StageAware, at, 90));
        Assert.Equal(RangeReach.None, CandidateScorecard.Empty.Reach(at, 90));
    }
}
