using AnimeProgress.Core.Estimation;

namespace AnimeProgress.Bench.Eta;

/// <summary>
/// Scores replayed jobs: absolute percentage error of each remaining-time prediction against the
/// truth, per checkpoint, for the engine and the seed's linear estimate. A missing prediction
/// counts as a 100 % error (saying nothing is no better than being off by the whole remaining
/// time) and is also counted separately. Failed jobs are replayed (they feed nothing but count)
/// and not scored.
/// </summary>
internal sealed class EtaScore
{
    private readonly List<double>[] _engine = TraceReplayer.Fractions.Select(_ => new List<double>()).ToArray();
    private readonly List<double>[] _linear = TraceReplayer.Fractions.Select(_ => new List<double>()).ToArray();
    private readonly int[] _engineMissing = new int[TraceReplayer.Fractions.Length];
    private readonly int[] _linearMissing = new int[TraceReplayer.Fractions.Length];
    private readonly List<double>[] _enginePaired = TraceReplayer.Fractions.Select(_ => new List<double>()).ToArray();
    private readonly List<double>[] _linearPaired = TraceReplayer.Fractions.Select(_ => new List<double>()).ToArray();
    private readonly List<double> _prior = [];

    public int Jobs { get; private set; }

    public int Scored { get; private set; }

    public int Failed { get; private set; }

    public int NeverRan { get; private set; }

    public int PriorMissing { get; private set; }

    public static IReadOnlyList<double> Fractions => TraceReplayer.Fractions;

    public static double PercentageError(double? predicted, double truth) =>
        predicted is { } p ? Math.Abs(p - truth) / Math.Max(truth, 1e-9) : 1.0;

    public void Add(JobReplay job)
    {
        Jobs++;
        if (!job.Ran)
        {
            NeverRan++;
            return;
        }

        if (!job.Completed)
        {
            Failed++;
            return;
        }

        Scored++;
        foreach (var prediction in job.Predictions)
        {
            var i = Array.IndexOf(TraceReplayer.Fractions, prediction.Fraction);
            _engine[i].Add(PercentageError(prediction.Engine, prediction.Truth));
            _linear[i].Add(PercentageError(prediction.Linear, prediction.Truth));
            if (prediction.Engine is not null && prediction.Linear is not null)
            {
                _enginePaired[i].Add(PercentageError(prediction.Engine, prediction.Truth));
                _linearPaired[i].Add(PercentageError(prediction.Linear, prediction.Truth));
            }

            _engineMissing[i] += prediction.Engine is null ? 1 : 0;
            _linearMissing[i] += prediction.Linear is null ? 1 : 0;
        }

        if (job.ExpectedRun is { } expected && job.RunSeconds is { } run)
        {
            _prior.Add(PercentageError(expected, run));
        }
        else
        {
            PriorMissing++;
        }
    }

    public double EngineMedian(int checkpoint) => Quantiles.Median(_engine[checkpoint]);

    public double LinearMedian(int checkpoint) => Quantiles.Median(_linear[checkpoint]);

    /// <summary>Median over only the predictions where both estimates gave a number (no penalty for saying nothing).</summary>
    public double EnginePairedMedian(int checkpoint) => Quantiles.Median(_enginePaired[checkpoint]);

    public double LinearPairedMedian(int checkpoint) => Quantiles.Median(_linearPaired[checkpoint]);

    public int PairedCount(int checkpoint) => _enginePaired[checkpoint].Count;

    public double EnginePairedWithin(double tolerance = 0.2) => Within(_enginePaired, tolerance);

    public double LinearPairedWithin(double tolerance = 0.2) => Within(_linearPaired, tolerance);

    public int EngineMissing(int checkpoint) => _engineMissing[checkpoint];

    public int LinearMissing(int checkpoint) => _linearMissing[checkpoint];

    /// <summary>Share of all predictions (every checkpoint) within ±<paramref name="tolerance"/>.</summary>
    public double EngineWithin(double tolerance = 0.2) => Within(_engine, tolerance);

    public double LinearWithin(double tolerance = 0.2) => Within(_linear, tolerance);

    /// <summary>Median error of <see cref="IEtaModel.ExpectedRunSeconds"/> against the true run time, over jobs that had history.</summary>
    public double PriorMedian => Quantiles.Median(_prior);

    public int PriorCount => _prior.Count;

    private static double Within(List<double>[] errors, double tolerance)
    {
        var all = errors.SelectMany(e => e).ToList();
        return all.Count == 0 ? double.NaN : (double)all.Count(e => e <= tolerance) / all.Count;
    }
}
