using System.Globalization;

namespace AnimeProgress.Bench.Eta.Families;

/// <summary>Prints the restart replay as a Markdown table, a row per family and kind.</summary>
internal static class RestartTable
{
    public static void Write(TextWriter output, IReadOnlyList<RestartResult> results)
    {
        if (results.Count == 0)
        {
            return;
        }

        output.WriteLine($"Restart replay (seed {results[0].Seed}): the second half of each family's set, scored by the model that replayed the first half");
        output.WriteLine("(continuous) and by a fresh model loaded from that model's history snapshot after a JSON round trip (restarted).");
        output.WriteLine("Engine median error at 10 / 25 / 50 / 75 % and coverage over the four checkpoints; snapshot and predictions that differ by");
        output.WriteLine("more than 0.5 s are per family (both kinds).");
        output.WriteLine();
        output.WriteLine("| family | kind | continuous | restarted | coverage continuous / restarted | runs in snapshot | snapshot JSON | differing predictions | largest difference |");
        output.WriteLine("|---|---|---|---|---|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            foreach (var (continuous, restarted) in r.Continuous.Kinds.Zip(r.Restarted.Kinds))
            {
                output.WriteLine($"| {r.Family} | {continuous.Kind.ToString().ToLowerInvariant()} | {Errors(continuous)} | {Errors(restarted)} | "
                    + $"{Pct(Coverage(continuous))} / {Pct(Coverage(restarted))} | {r.SnapshotRuns} | {r.SnapshotBytes / 1024.0:F0} KiB | "
                    + $"{r.DifferentPredictions} of {r.Predictions} | {Seconds(r.LargestDifferenceSeconds)} |");
            }
        }
    }

    private static string Errors(KindScore score) => string.Join(" / ", score.Cells.Select(c => Pct(c.EngineMedian)));

    private static double Coverage(KindScore score)
    {
        var count = score.Cells.Sum(c => c.Count);
        return count == 0 ? double.NaN : score.Cells.Sum(c => c.Coverage * c.Count) / count;
    }

    private static string Seconds(double value) =>
        double.IsPositiveInfinity(value) ? "one side gave none" : value.ToString("F2", CultureInfo.InvariantCulture) + " s";

    private static string Pct(double value) =>
        double.IsNaN(value) ? "n/a" : (value * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
