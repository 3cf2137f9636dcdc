namespace AnimeProgress.Bench.Eta.Families;

/// <summary>Every family the <c>eta</c> benchmark scores, in report order.</summary>
internal static class TraceFamilies
{
    public static IReadOnlyList<TraceFamily> All { get; } =
    [
        new ByTimeFamily(),
        new NodeWeightFamily(),
        new LongTailFamily(),
        new SpeedChangeFamily(),
        new PauseFamily(),
        new CacheHitFamily(),
        new OneOffFamily(),
        new FailureFamily(),
    ];

    public static TraceFamily? Find(string name) => All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));
}
