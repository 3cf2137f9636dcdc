namespace AnimeProgress.Core.Queue;

/// <summary>
/// Positions in the waiting queue. Order is explicit (an operator's move sticks); a priority decides where a job
/// enters: behind every waiting job of the same or a higher priority, ahead of the lower ones. Positions leave gaps so
/// a move writes one row; when a gap runs out the waiting jobs are numbered afresh.
/// </summary>
public static class QueueOrder
{
    public const long Gap = 1024;

    /// <summary>The position between two neighbours (null: the end), or null when there is no room between them.</summary>
    public static long? Between(long? before, long? after)
    {
        if (before is null && after is null)
        {
            return Gap;
        }

        if (before is null)
        {
            return after!.Value - Gap;
        }

        if (after is null)
        {
            return before.Value + Gap;
        }

        return after.Value - before.Value > 1 ? before.Value + ((after.Value - before.Value) / 2) : null;
    }

    /// <summary>Where in <paramref name="waiting"/> (in order) a job of this priority enters: the index it takes.</summary>
    public static int IndexForPriority(IReadOnlyList<(long JobId, int Priority)> waiting, int priority)
    {
        var index = 0;
        for (var i = 0; i < waiting.Count; i++)
        {
            if (waiting[i].Priority >= priority)
            {
                index = i + 1;
            }
        }

        return index;
    }
}
