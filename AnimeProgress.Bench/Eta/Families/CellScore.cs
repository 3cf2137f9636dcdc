using AnimeProgress.Core.Estimation;

namespace AnimeProgress.Bench.Eta.Families;

/// <summary>
/// The predictions of one family, kind and checkpoint: the absolute percentage error of the
/// engine and of linear (a missing estimate counts as 100 %), whether the true remaining time fell
/// in the engine's range (no range: it did not), and the range's width relative to the truth.
/// </summary>
internal sealed class CellScore
{
    private readonly List<double> _engine = [];
    private readonly List<double> _linear = [];
    private readonly List<double> _widths = [];
    private int _covered;

    public int Count => _engine.Count;

    public int EngineMissing { get; private set; }

    public int LinearMissing { get; private set; }

    public double EngineMedian => Quantiles.Median(_engine);

    public double LinearMedian => Quantiles.Median(_linear);

    /// <summary>How many times smaller the engine's median error is than linear's.</summary>
    public double Ratio => EngineMedian > 0 ? LinearMedian / EngineMedian : double.PositiveInfinity;

    /// <summary>Share of predictions whose true remaining time fell inside the engine's range.</summary>
    public double Coverage => Count == 0 ? double.NaN : (double)_covered / Count;

    /// <summary>Mean of (high − low) / true remaining time over the predictions that had a range.</summary>
    public double MeanWidth => _widths.Count == 0 ? double.NaN : _widths.Average();

    public double MedianWidth => _widths.Count == 0 ? double.NaN : Quantiles.Median(_widths);

    public void Add(Prediction prediction)
    {
        _engine.Add(EtaScore.PercentageError(prediction.Engine, prediction.Truth));
        _linear.Add(EtaScore.PercentageError(prediction.Linear, prediction.Truth));
        EngineMissing += prediction.Engine is null ? 1 : 0;
        LinearMissing += prediction.Linear is null ? 1 : 0;
        _covered += prediction.Covered ? 1 : 0;
        if (prediction.Low is { } low && prediction.High is { } high)
        {
            _widths.Add((high - low) / Math.Max(prediction.Truth, 1e-9));
        }
    }
}
