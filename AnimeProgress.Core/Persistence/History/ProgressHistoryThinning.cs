namespace AnimeProgress.Core.Persistence.History;

/// <summary>
/// Which of one job's samples an aged job keeps: the first and the last, the first and last of every stage (so stage
/// timelines and stage averages read the same after thinning), and in between one per interval. Thinning what was
/// thinned removes nothing more, so a pass may run over the same jobs again.
/// </summary>
public static class ProgressHistoryThinning
{
    /// <summary>One stored sample as the thinning needs it.</summary>
    public readonly record struct Sample(long Id, DateTimeOffset At, string Stage);

    /// <summary>The ids to delete from <paramref name="samples"/> (one job's, oldest first).</summary>
    public static List<long> Dropped(IReadOnlyList<Sample> samples, TimeSpan interval)
    {
        var dropped = new List<long>();
        if (samples.Count <= 2)
        {
            return dropped;
        }

        var keep = new bool[samples.Count];
        keep[0] = keep[^1] = true;
        for (var i = 1; i < samples.Count; i++)
        {
            if (!string.Equals(samples[i].Stage, samples[i - 1].Stage, StringComparison.Ordinal))
            {
                keep[i - 1] = keep[i] = true;
            }
        }

        var lastKept = samples[0].At;
        for (var i = 1; i < samples.Count; i++)
        {
            if (keep[i] || samples[i].At - lastKept >= interval)
            {
                lastKept = samples[i].At;
            }
            else
            {
                dropped.Add(samples[i].Id);
            }
        }

        return dropped;
    }
}
