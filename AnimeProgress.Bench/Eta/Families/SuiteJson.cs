using System.Text.Json;
using System.Text.Json.Serialization;

namespace AnimeProgress.Bench.Eta.Families;

/// <summary>The figures of the family tables (and the restart replay) as JSON, for scripts: <c>eta … --json FILE</c>.</summary>
internal static class SuiteJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void Write(string path, IReadOnlyList<int> seeds, int? jobsPerFamily, IReadOnlyList<FamilyScore> families, IReadOnlyList<RestartResult>? restarts)
    {
        var document = new Document(
            "eta",
            seeds,
            jobsPerFamily,
            "p10-p90",
            KindScore.Checkpoints,
            families.Select(f => new Family(
                f.Name,
                f.Percent switch { PercentModel.ByTime => "by_time", PercentModel.ByNodeWeights => "node_weights", _ => null },
                f.Description,
                f.Kinds.Select(k => new Kind(
                    k.Kind.ToString().ToLowerInvariant(),
                    k.Jobs,
                    k.Scored,
                    k.Failed,
                    k.Cells.Select((c, i) => new Cell(
                        KindScore.Checkpoints[i],
                        c.Count,
                        Finite(c.EngineMedian),
                        Finite(c.LinearMedian),
                        Finite(c.Ratio),
                        c.EngineMissing,
                        c.LinearMissing,
                        Finite(c.Coverage),
                        Finite(c.MeanWidth),
                        Finite(c.MedianWidth))).ToList())).ToList())).ToList(),
            restarts?.Select(r => new Restart(
                r.Family,
                r.Seed,
                r.FirstHalf,
                r.SecondHalf,
                r.SnapshotRuns,
                r.SnapshotBytes,
                r.Continuous.Kinds.Zip(r.Restarted.Kinds).SelectMany(pair => KindScore.Checkpoints.Select((fraction, i) => new RestartCell(
                    pair.First.Kind.ToString().ToLowerInvariant(),
                    fraction,
                    Finite(pair.First.Cells[i].EngineMedian),
                    Finite(pair.Second.Cells[i].EngineMedian),
                    Finite(pair.First.Cells[i].Coverage),
                    Finite(pair.Second.Cells[i].Coverage)))).ToList(),
                r.Predictions,
                r.DifferentPredictions,
                r.LargestDifferenceSeconds)).ToList());

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, JsonSerializer.Serialize(document, Options));
    }

    // JSON has no NaN or infinity: those are null.
    private static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 5) : null;

    private sealed record Document(string Command, IReadOnlyList<int> Seeds, int? JobsPerFamily, string Range, IReadOnlyList<double> Checkpoints, IReadOnlyList<Family> Families, IReadOnlyList<Restart>? Restart);

    private sealed record Family(string Name, string? Percent, string Description, IReadOnlyList<Kind> Kinds);

    private sealed record Kind(string Name, int Jobs, int Scored, int Failed, IReadOnlyList<Cell> Checkpoints);

    private sealed record Cell(
        double Fraction,
        int Predictions,
        double? EngineMedianError,
        double? LinearMedianError,
        double? Ratio,
        int EngineMissing,
        int LinearMissing,
        double? Coverage,
        double? MeanWidth,
        double? MedianWidth);

    private sealed record Restart(string Family, int Seed, int FirstHalf, int SecondHalf, int SnapshotRuns, int SnapshotBytes, IReadOnlyList<RestartCell> Checkpoints, int Predictions, int DifferentPredictions, double LargestDifferenceSeconds);

    private sealed record RestartCell(string Kind, double Fraction, double? ContinuousMedianError, double? RestartedMedianError, double? ContinuousCoverage, double? RestartedCoverage);
}
