using System.Globalization;

namespace AnimeProgress.Bench.Eta.Families;

/// <summary>
/// Prints family scores as Markdown tables: median errors of the engine and linear per family,
/// kind and checkpoint; the range's coverage and mean width; and the checks on them.
/// </summary>
internal static class FamilyTable
{
    /// <summary>Coverage the stated p10–p90 range must reach in every cell.</summary>
    public const double CoverageLow = 0.75;

    public const double CoverageHigh = 0.85;

    /// <summary>How many times better than linear the engine must be at 25 % and 50 % where percent is by node weights.</summary>
    public const double NodeWeightLead = 3;

    public static void Write(TextWriter output, IReadOnlyList<FamilyScore> families, string title)
    {
        var checkpoints = string.Join(" | ", KindScore.Checkpoints.Select(c => Pct(c, 0)));
        var rule = string.Concat(KindScore.Checkpoints.Select(_ => "---:|"));
        output.WriteLine(title);
        output.WriteLine();
        output.WriteLine("Median absolute error of the predicted remaining run time, engine / linear (×: linear's error over the engine's),");
        output.WriteLine("at a share of the true run time; a missing estimate counts as 100 %.");
        output.WriteLine();
        output.WriteLine($"| family | percent | kind | scored | failed | {checkpoints} |");
        output.WriteLine($"|---|---|---|---:|---:|{rule}");
        foreach (var family in families)
        {
            foreach (var kind in family.Kinds)
            {
                var cells = string.Join(" | ", kind.Cells.Select(c => $"{Pct(c.EngineMedian, 1)} / {Pct(c.LinearMedian, 1)} ({Times(c.Ratio)})"));
                output.WriteLine($"| {family.Name} | {PercentName(family.Percent)} | {Kind(kind)} | {kind.Scored} | {kind.Failed} | {cells} |");
            }
        }

        output.WriteLine();
        output.WriteLine("Engine range (EtaLowSeconds–EtaHighSeconds, stated as p10–p90): share of predictions whose true remaining time fell");
        output.WriteLine("inside it (no range counts as outside) · its mean / median width as a share of the true remaining time.");
        output.WriteLine();
        output.WriteLine($"| family | kind | {checkpoints} |");
        output.WriteLine($"|---|---|{rule}");
        foreach (var family in families)
        {
            foreach (var kind in family.Kinds)
            {
                var cells = string.Join(" | ", kind.Cells.Select(c => $"{Pct(c.Coverage, 1)} · {Pct(c.MeanWidth, 0)} / {Pct(c.MedianWidth, 0)}"));
                output.WriteLine($"| {family.Name} | {Kind(kind)} | {cells} |");
            }
        }

        output.WriteLine();
        WriteChecks(output, families);
    }

    private static void WriteChecks(TextWriter output, IReadOnlyList<FamilyScore> families)
    {
        var cells = families.SelectMany(f => f.Kinds.SelectMany(k => k.Cells.Select((c, i) => (Family: f, Kind: k, Index: i, Cell: c)))).ToList();
        var worse = cells.Where(c => c.Cell.EngineMedian > c.Cell.LinearMedian).ToList();
        output.WriteLine($"engine ≤ linear: {cells.Count - worse.Count} of {cells.Count} cells"
            + (worse.Count == 0 ? string.Empty : "; worse in " + string.Join(", ", worse.Select(Name))));

        var lead = cells.Where(c => c.Family.Percent == PercentModel.ByNodeWeights && KindScore.Checkpoints[c.Index] is 0.25 or 0.5).ToList();
        var behind = lead.Where(c => c.Cell.Ratio < NodeWeightLead).ToList();
        output.WriteLine($"node-weight families, ≥ {NodeWeightLead:F0}× better than linear at 25 % and 50 %: {lead.Count - behind.Count} of {lead.Count} cells"
            + (behind.Count == 0 ? string.Empty : "; short in " + string.Join(", ", behind.Select(c => $"{Name(c)} ({Times(c.Cell.Ratio)})"))));

        var outside = cells.Where(c => c.Cell.Coverage is < CoverageLow or > CoverageHigh).ToList();
        output.WriteLine($"coverage within {Pct(CoverageLow, 0)}–{Pct(CoverageHigh, 0)}: {cells.Count - outside.Count} of {cells.Count} cells"
            + (outside.Count == 0 ? string.Empty : "; outside in " + string.Join(", ", outside.Select(c => $"{Name(c)} ({Pct(c.Cell.Coverage, 1)})"))));
        var all = cells.Sum(c => c.Cell.Count);
        var covered = cells.Sum(c => c.Cell.Coverage * c.Cell.Count);
        var width = cells.Where(c => !double.IsNaN(c.Cell.MeanWidth)).Average(c => c.Cell.MeanWidth);
        var median = cells.Where(c => !double.IsNaN(c.Cell.MedianWidth)).Average(c => c.Cell.MedianWidth);
        output.WriteLine($"overall coverage {Pct(covered / Math.Max(all, 1), 1)} over {all} predictions; width (mean of the cells) {Pct(width, 0)} of the remaining time, median width {Pct(median, 0)}");
    }

    private static string Name((FamilyScore Family, KindScore Kind, int Index, CellScore Cell) c) =>
        $"{c.Family.Name}/{Kind(c.Kind)}@{Pct(KindScore.Checkpoints[c.Index], 0)}";

    private static string Kind(KindScore kind) => kind.Kind.ToString().ToLowerInvariant();

    private static string PercentName(PercentModel? percent) => percent switch
    {
        PercentModel.ByTime => "by time",
        PercentModel.ByNodeWeights => "node weights",
        _ => "?",
    };

    private static string Times(double ratio) =>
        double.IsPositiveInfinity(ratio) ? "∞×" : ratio.ToString("F1", CultureInfo.InvariantCulture) + "×";

    private static string Pct(double value, int decimals) =>
        double.IsNaN(value) ? "n/a" : (value * 100).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%";
}
