using AnimeProgress.Core.Persistence.History;

namespace AnimeProgress.Tests.Core.Persistence.History;

public sealed class ProgressHistoryThinningTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>One sample every <paramref name="seconds"/> s; the stage changes at the given indexes.</summary>
    private static List<ProgressHistoryThinning.Sample> Samples(int count, int seconds, params (int From, string Stage)[] stages) =>
        [.. Enumerable.Range(0, count).Select(i => new ProgressHistoryThinning.Sample(i + 1, T0.AddSeconds(i * seconds), stages.Last(s => s.From <= i).Stage))];

    private static List<ProgressHistoryThinning.Sample> Kept(List<ProgressHistoryThinning.Sample> samples, TimeSpan interval)
    {
        var dropped = ProgressHistoryThinning.Dropped(samples, interval).ToHashSet();
        return [.. samples.Where(s => !dropped.Contains(s.Id))];
    }

    [Fact]
    public void Keeps_first_last_each_stages_first_and_last_and_one_per_interval()
    {
        // 10 minutes at 5 s: Sampling for 2.5 min, Rendering to 8.3 min, then Decoding.
        var samples = Samples(121, 5, (0, "Sampling"), (30, "Rendering"), (100, "Decoding"));

        var kept = Kept(samples, TimeSpan.FromMinutes(1));

        Assert.Equal(samples[0], kept[0]);
        Assert.Equal(samples[^1], kept[^1]);
        Assert.Contains(samples[29], kept);
        Assert.Contains(samples[30], kept);
        Assert.Contains(samples[99], kept);
        Assert.Contains(samples[100], kept);
        Assert.All(kept.Zip(kept.Skip(1)), p => Assert.True(p.Second.At - p.First.At <= TimeSpan.FromMinutes(1)));
        Assert.InRange(kept.Count, 11, 16);
    }

    [Fact]
    public void Thinning_what_was_thinned_removes_nothing_more()
    {
        var samples = Samples(500, 5, (0, "Initializing"), (7, "Rendering"), (300, "Post-processing"), (499, "Completed"));

        var once = Kept(samples, TimeSpan.FromMinutes(1));

        Assert.Empty(ProgressHistoryThinning.Dropped(once, TimeSpan.FromMinutes(1)));
        Assert.Equal(once, Kept(samples.AsEnumerable().Reverse().Reverse().ToList(), TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void A_job_of_two_samples_or_samples_already_sparser_than_the_interval_keep_everything()
    {
        Assert.Empty(ProgressHistoryThinning.Dropped(Samples(2, 5, (0, "Rendering")), TimeSpan.FromMinutes(1)));
        Assert.Empty(ProgressHistoryThinning.Dropped(Samples(50, 90, (0, "Rendering")), TimeSpan.FromMinutes(1)));
    }
}
