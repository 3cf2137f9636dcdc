namespace AnimeProgress.Bench.Eta.Families;

/// <summary>How a family's percent relates to time.</summary>
internal enum PercentModel
{
    /// <summary>Percent grows in step with time: the linear estimate's home ground.</summary>
    ByTime,

    /// <summary>Percent counts nodes as <c>GraphProgress</c> does (sampler steps, 2 per other node): not time.</summary>
    ByNodeWeights,
}

/// <summary>One generated job: its file name and its trace text (JSON lines, header first).</summary>
internal sealed record GeneratedTrace(string Name, string Text)
{
    public JobTrace Read() => TraceReader.Read(new StringReader(Text), Name);
}

/// <summary>
/// A family of traces written to be unlike the engine's assumptions in one way. Each family draws
/// from its own random stream (the seed mixed with the family's salt), so families are generated
/// independently of each other and a new family does not change the others.
/// </summary>
internal abstract class TraceFamily
{
    public abstract string Name { get; }

    public abstract PercentModel Percent { get; }

    /// <summary>One line for the report: what makes the family hard.</summary>
    public abstract string Description { get; }

    /// <summary>Mixed into the seed so families do not share random numbers.</summary>
    protected abstract int Salt { get; }

    public abstract IReadOnlyList<GeneratedTrace> Generate(int seed, int jobs);

    /// <summary>Writes <paramref name="jobs"/> independent jobs from this family's own random stream.</summary>
    protected IReadOnlyList<GeneratedTrace> EachJob(int seed, int jobs, Func<Random, int, string> job)
    {
        var random = new Random(unchecked(seed * 7919 + Salt));
        var traces = new List<GeneratedTrace>(jobs);
        for (var i = 1; i <= jobs; i++)
        {
            traces.Add(new GeneratedTrace($"job-{i:0000}.jsonl", job(random, i)));
        }

        return traces;
    }
}
