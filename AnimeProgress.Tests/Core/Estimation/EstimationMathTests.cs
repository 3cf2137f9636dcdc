using AnimeProgress.Core.Estimation;

namespace AnimeProgress.Tests.Core.Estimation;

/// <summary>The small pieces the estimator is built from.</summary>
public sealed class EstimationMathTests
{
    [Fact]
    public void A_segment_curve_finds_when_a_percent_was_reached_between_increments()
    {
        var curve = new SegmentCurve([(2, 1), (4, 3), (10, 4)]);

        Assert.Equal(4, curve.TimeAt(3));
        Assert.Equal(3, curve.TimeAt(2));
        Assert.Equal(7, curve.TimeAt(3.5));
        Assert.Equal(10, curve.TimeAt(9));
        Assert.Equal(0, curve.TimeAt(0));
        Assert.Equal(10, curve.NextAfter(3));
        Assert.Null(curve.NextAfter(4));
    }

    [Fact]
    public void Equal_weights_give_the_plain_median_and_heavy_weights_pull_it()
    {
        double[] values = [10, 20, 30, 40];

        Assert.Equal(Quantiles.Median(values), Quantiles.Weighted(values, [1, 1, 1, 1], 0.5)[0]);
        Assert.Equal(25, Quantiles.Weighted(values, [1, 1, 1, 1], 0.5)[0]);
        Assert.Equal(40, Quantiles.Weighted(values, [0.01, 0.01, 0.01, 10], 0.5)[0], 0.1);
        Assert.True(double.IsNaN(Quantiles.Weighted(values, [0, 0, 0, 0], 0.5)[0]));
    }

    [Fact]
    public void A_run_known_only_by_stage_totals_lays_its_stages_out_in_the_usual_order()
    {
        var run = RunRecord.FromStageTotals(20, new Dictionary<AnimeProgress.Core.Jobs.Stage, TimeSpan>
        {
            [AnimeProgress.Core.Jobs.Stage.Rendering] = TimeSpan.FromSeconds(12),
            [AnimeProgress.Core.Jobs.Stage.Initializing] = TimeSpan.FromSeconds(5),
        });

        Assert.Equal(
            [(AnimeProgress.Core.Jobs.Stage.Initializing, 0.0, 5.0), (AnimeProgress.Core.Jobs.Stage.Rendering, 5.0, 20.0)],
            run.Segments.Select(s => (s.Stage, s.StartSeconds, s.EndSeconds)));
    }
}
