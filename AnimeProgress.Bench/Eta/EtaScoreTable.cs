using System.Globalization;

namespace AnimeProgress.Bench.Eta;

/// <summary>Prints an <see cref="EtaScore"/> as a plain-text (and Markdown-friendly) table.</summary>
internal static class EtaScoreTable
{
    public static void Write(TextWriter output, EtaScore score, string title)
    {
        output.WriteLine($"{title}: {score.Jobs} jobs, {score.Scored} completed and scored, {score.Failed} failed (replayed, not scored)"
            + (score.NeverRan > 0 ? $", {score.NeverRan} never ran" : string.Empty));
        output.WriteLine("median absolute error of the predicted remaining run time, at a share of the true run time");
        var header = "| estimate | " + string.Join(" | ", EtaScore.Fractions.Select(f => Pct(f, 0))) + " | within ±20% |";
        output.WriteLine(header);
        output.WriteLine("|---|" + string.Concat(EtaScore.Fractions.Select(_ => "---:|")) + "---:|");
        output.WriteLine(Row("engine (StageAwareEtaModel)", score.EngineMedian, score.EngineWithin()));
        output.WriteLine(Row("linear (elapsed / percent)", score.LinearMedian, score.LinearWithin()));
        output.WriteLine(Row("engine, where both estimated", score.EnginePairedMedian, score.EnginePairedWithin()));
        output.WriteLine(Row("linear, where both estimated", score.LinearPairedMedian, score.LinearPairedWithin()));
        output.WriteLine("no estimate (scored as 100% error in the first two rows): engine "
            + string.Join("/", EtaScore.Fractions.Select((_, i) => score.EngineMissing(i)))
            + ", linear " + string.Join("/", EtaScore.Fractions.Select((_, i) => score.LinearMissing(i)))
            + "; both estimated: " + string.Join("/", EtaScore.Fractions.Select((_, i) => score.PairedCount(i))));
        output.WriteLine(score.PriorCount > 0
            ? $"run time expected before start (ExpectedRunSeconds): median error {Pct(score.PriorMedian, 1)} over {score.PriorCount} jobs; {score.PriorMissing} had no history"
            : "run time expected before start (ExpectedRunSeconds): no job had history");
    }

    private static string Row(string name, Func<int, double> median, double within) =>
        $"| {name} | " + string.Join(" | ", EtaScore.Fractions.Select((_, i) => Pct(median(i), 1))) + $" | {Pct(within, 1)} |";

    private static string Pct(double value, int decimals) =>
        double.IsNaN(value) ? "n/a" : (value * 100).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%";
}
