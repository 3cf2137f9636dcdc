using AnimeProgress.Core.Estimation;

namespace AnimeProgress.Bench.Eta.Families;

/// <summary>
/// Scores the families: each family is generated once per seed, and each generated set is
/// replayed through a fresh <see cref="StageAwareEtaModel"/> (a new install that learns as it
/// goes), so no family or seed learns from another.
/// </summary>
internal static class EtaSuite
{
    public static FamilyScore Score(TraceFamily family, IReadOnlyList<int> seeds, int jobs, CancellationToken cancellationToken = default)
    {
        var score = new FamilyScore(family.Name, family.Percent, family.Description);
        foreach (var seed in seeds)
        {
            var traces = family.Generate(seed, jobs).Select(t => t.Read()).ToList();
            TraceReplayer.ReplayAll(traces, new StageAwareEtaModel(), score.Add, cancellationToken: cancellationToken);
        }

        return score;
    }

    /// <summary>A folder of traces read from disk, scored as one family of unknown percent model.</summary>
    public static FamilyScore Score(string name, IEnumerable<JobTrace> traces, IEtaModel model, CancellationToken cancellationToken = default)
    {
        var score = new FamilyScore(name, null, "traces read from disk");
        TraceReplayer.ReplayAll(traces, model, score.Add, cancellationToken: cancellationToken);
        return score;
    }
}
