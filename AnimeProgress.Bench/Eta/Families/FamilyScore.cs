using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Eta.Families;

/// <summary>A family's score over every seed it was generated with, by kind.</summary>
internal sealed class FamilyScore(string name, PercentModel? percent, string description)
{
    private readonly SortedDictionary<JobKind, KindScore> _kinds = [];

    public string Name { get; } = name;

    /// <summary>Null for trace folders read from disk, whose percent model is not known.</summary>
    public PercentModel? Percent { get; } = percent;

    public string Description { get; } = description;

    public IEnumerable<KindScore> Kinds => _kinds.Values;

    public void Add(JobReplay job) => (_kinds.TryGetValue(job.Kind, out var score) ? score : _kinds[job.Kind] = new KindScore(job.Kind)).Add(job);
}
