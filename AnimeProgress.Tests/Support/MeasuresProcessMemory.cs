namespace AnimeProgress.Tests.Support;

/// <summary>
/// Tests that read the process's live heap (<see cref="GC.GetTotalMemory(bool)"/>) run alone, after the parallel ones:
/// what other tests hold at that moment would otherwise count as theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public static class MeasuresProcessMemory
{
    public const string Name = "Measures the process's memory";
}
