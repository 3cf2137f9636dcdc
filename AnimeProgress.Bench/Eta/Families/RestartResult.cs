namespace AnimeProgress.Bench.Eta.Families;

/// <summary>
/// One family's restart replay: the second half of a trace set scored by the model that replayed
/// the first half (<see cref="Continuous"/>) and by a fresh model loaded from the first model's
/// history snapshot (<see cref="Restarted"/>).
/// </summary>
internal sealed record RestartResult(
    string Family,
    int Seed,
    int FirstHalf,
    int SecondHalf,
    int SnapshotRuns,
    int SnapshotBytes,
    FamilyScore Continuous,
    FamilyScore Restarted,
    int Predictions,
    int DifferentPredictions,
    double LargestDifferenceSeconds);
