namespace AnimeProgress.Core.Estimation;

/// <summary>
/// Scores every candidate estimate on the finished runs a job is compared with. For each sample
/// the engine took during those runs it keeps, per candidate, the log ratio of the true remaining
/// time over what the candidate predicted, with the sample's <see cref="SampleFeatures"/> (where the
/// run was, as far as a running job can tell). Asked about a running job, it weighs the samples
/// taken in like situations (<see cref="ScorecardKernel"/>; a run counts at most once, newer runs
/// more) and tells how biased and how wrong each candidate was there, and how far off the blended
/// estimate was in units of the error it expected (which sizes the range). Immutable; built once per job.
/// </summary>
public sealed class CandidateScorecard
{
    /// <summary>Seconds added to both sides of every ratio, so the last second of a run does not turn rounding into huge log errors.</summary>
    public const double Cushion = 1;

    // Samples this close to a run's end say more about rounding than about the estimate.
    private const double LastFraction = 0.95;

    // The share of a measured bias that is corrected is runs / (runs + this).
    private const double BiasRuns = 3;

    // Each older run counts this much less than the next one: runs recorded with less history behind them estimated worse.
    private const double RecencyDecay = 0.97;

    // The furthest a past miss of the blend counts, in units of the error it expected then: one wild
    // miss of a run that expected to be exact must not blow up every later range.
    private const double MaxReach = 6;

    private static readonly double[] RangeQuantiles = [EtaBlend.LowQuantile, EtaBlend.HighQuantile];

    private readonly Column[] _candidates;
    private readonly Column _blended;
    private readonly double[] _recency;
    private readonly double _typical;

    private CandidateScorecard(Column[] candidates, Column blended, double[] recency, double typical)
    {
        _candidates = candidates;
        _blended = blended;
        _recency = recency;
        _typical = typical;
    }

    public static CandidateScorecard Empty { get; } = From([]);

    /// <summary>How many samples of the blended estimate the scorecard holds.</summary>
    public int Count => _blended.Count;

    public static CandidateScorecard From(IReadOnlyList<RunRecord> runs)
    {
        var candidates = CandidateEtas.All.Select(_ => new ColumnBuilder()).ToArray();
        var blended = new ColumnBuilder();
        var recency = new double[runs.Count];
        var typical = runs.Count == 0 ? 0 : Quantiles.Median(runs.Select(r => r.TotalSeconds).ToArray());
        for (var r = 0; r < runs.Count; r++)
        {
            recency[r] = Math.Pow(RecencyDecay, runs.Count - 1 - r);
            var total = runs[r].TotalSeconds;
            foreach (var sample in runs[r].Samples)
            {
                var truth = total - sample.Seconds;
                if (total <= 0 || truth <= 0 || sample.Seconds / total > LastFraction)
                {
                    continue;
                }

                var at = new ScorecardPoint(sample.Seconds, sample.Percent, sample.Stalled > 0, sample.Paused, sample.Quiet);
                foreach (var candidate in CandidateEtas.All)
                {
                    if (sample.Etas[candidate] is { } eta && double.IsFinite(eta))
                    {
                        candidates[(int)candidate].Add(SampleFeatures.Of(at, eta, typical), r, LogRatio(truth, eta));
                    }
                }

                // In units of the error it expected then: as history grows both shrink, so old runs still size today's range right.
                if (sample.Blended is { } point && sample.Spread is { } spread && spread > 0)
                {
                    blended.Add(SampleFeatures.Of(at, point, typical), r, Math.Clamp(LogRatio(truth, point) / spread, -MaxReach, MaxReach));
                }
            }
        }

        return new CandidateScorecard(candidates.Select(c => c.Build()).ToArray(), blended.Build(), recency, typical);
    }

    /// <summary>log((truth + cushion) / (predicted + cushion)).</summary>
    public static double LogRatio(double truth, double predicted) =>
        Math.Log((Math.Max(0, truth) + Cushion) / (Math.Max(0, predicted) + Cushion));

    /// <summary>How <paramref name="candidate"/> did on the runs where it said <paramref name="remaining"/> seconds in a situation like <paramref name="at"/>.</summary>
    public CandidateFit Fit(EtaCandidate candidate, ScorecardPoint at, double remaining)
    {
        var (values, weights) = Near(_candidates[(int)candidate], SampleFeatures.Of(at, remaining, _typical));
        var total = weights.Sum();
        if (values.Count == 0 || total <= 0)
        {
            return CandidateFit.None;
        }

        // The bias to correct: the median miss, shrunk while few runs show it; the error is what is
        // left after that correction (not after the full one, which would flatter a candidate whose
        // big, steady bias is only partly corrected).
        var bias = total / (total + BiasRuns) * Quantiles.Weighted(values, weights, 0.5)[0];
        var error = 0.0;
        for (var k = 0; k < values.Count; k++)
        {
            error += weights[k] * Math.Abs(values[k] - bias);
        }

        return new CandidateFit(bias, error / total, total);
    }

    /// <summary>How far off the blended estimate was, in units of its expected error, where it said <paramref name="remaining"/> seconds in a situation like <paramref name="at"/>.</summary>
    public RangeReach Reach(ScorecardPoint at, double remaining)
    {
        var (values, weights) = Near(_blended, SampleFeatures.Of(at, remaining, _typical));
        var runs = weights.Sum();
        if (values.Count == 0 || runs <= 0)
        {
            return RangeReach.None;
        }

        var q = Quantiles.Weighted(values, weights, RangeQuantiles);
        return new RangeReach(q[0], q[1], runs);
    }

    // The samples like the job's, kernel-weighted, each run's weights summing to at most its recency.
    private (List<double> Values, List<double> Weights) Near(Column column, SampleFeatures job)
    {
        var values = new List<double>();
        var weights = new List<double>();
        var runs = new List<int>();
        var perRun = new double[_recency.Length];
        for (var i = column.FirstAtOrAfter(job.Believed - 3 * ScorecardKernel.BelievedWidth);
             i < column.Count && column.Features[i].Believed < job.Believed + 3 * ScorecardKernel.BelievedWidth;
             i++)
        {
            var weight = ScorecardKernel.Weight(column.Features[i], job);
            if (weight > 0)
            {
                perRun[column.Run[i]] += weight;
                values.Add(column.Value[i]);
                weights.Add(weight);
                runs.Add(column.Run[i]);
            }
        }

        for (var k = 0; k < weights.Count; k++)
        {
            weights[k] *= _recency[runs[k]] / Math.Max(1, perRun[runs[k]]);
        }

        return (values, weights);
    }

    /// <summary>One estimate's samples, sorted by the share of the run it believed it was at.</summary>
    private sealed class Column(SampleFeatures[] features, int[] run, double[] value)
    {
        public SampleFeatures[] Features { get; } = features;

        public int[] Run { get; } = run;

        public double[] Value { get; } = value;

        public int Count => Features.Length;

        public int FirstAtOrAfter(double believed)
        {
            var lo = 0;
            var hi = Features.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (Features[mid].Believed < believed)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }
    }

    private sealed class ColumnBuilder
    {
        private readonly List<(SampleFeatures Features, int Run, double Value)> _rows = [];

        public void Add(SampleFeatures features, int run, double value) => _rows.Add((features, run, value));

        public Column Build()
        {
            var rows = _rows.OrderBy(r => r.Features.Believed).ToArray();
            return new Column(rows.Select(r => r.Features).ToArray(), rows.Select(r => r.Run).ToArray(), rows.Select(r => r.Value).ToArray());
        }
    }
}
