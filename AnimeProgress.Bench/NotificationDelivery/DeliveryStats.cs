using AnimeProgress.Bench.ListenLatency;

namespace AnimeProgress.Bench.NotificationDelivery;

/// <summary>What the receiver saw, reduced to the numbers the report prints.</summary>
internal static class DeliveryStats
{
    /// <summary>
    /// Event → arrival in ms, sorted, for each event that happened at or after <paramref name="from"/>: its first
    /// arrival (a repeat under the same id is a duplicate, not a second sample).
    /// </summary>
    public static double[] Latencies(IEnumerable<ReceivedRequest> requests, DateTimeOffset from) =>
    [
        .. requests
            .SelectMany(r => r.Events.Select(e => (e.Id, e.OccurredAt, r.Arrived)))
            .Where(e => e.OccurredAt >= from)
            .GroupBy(e => e.Id, StringComparer.Ordinal)
            .Select(g => (g.Min(e => e.Arrived) - g.First().OccurredAt).TotalMilliseconds)
            .Order(),
    ];

    /// <summary>Events received more than once (under any message id).</summary>
    public static int Duplicates(IEnumerable<ReceivedRequest> requests)
    {
        var all = requests.SelectMany(r => r.Events).Select(e => e.Id).ToList();
        return all.Count - all.Distinct(StringComparer.Ordinal).Count();
    }

    public static double Percentile(double[] sorted, double q) => LatencyAnalysis.Percentile(sorted, q);

    /// <summary>Distinct events whose request was answered within [from, to), per minute of that window.</summary>
    public static double PerMinute(IEnumerable<ReceivedRequest> requests, DateTimeOffset from, DateTimeOffset to) =>
        to <= from ? double.NaN
            : requests.Where(r => r.Answered >= from && r.Answered < to).SelectMany(r => r.Events).Select(e => e.Id).Distinct(StringComparer.Ordinal).Count()
              / (to - from).TotalMinutes;

    /// <summary>First, last and highest of a series (samples without a value are skipped).</summary>
    public static (long Start, long End, long Peak)? Range(IEnumerable<long?> values)
    {
        var known = values.OfType<long>().ToList();
        return known.Count == 0 ? null : (known[0], known[^1], known.Max());
    }

    /// <summary>
    /// Growth per minute of a series, by least squares over (minutes, value): near zero for memory that holds steady,
    /// positive for memory that grows with the backlog.
    /// </summary>
    public static double Slope(IReadOnlyList<(double Minutes, double Value)> points)
    {
        if (points.Count < 2)
        {
            return double.NaN;
        }

        var mx = points.Average(p => p.Minutes);
        var my = points.Average(p => p.Value);
        var sxx = points.Sum(p => (p.Minutes - mx) * (p.Minutes - mx));
        return sxx == 0 ? double.NaN : points.Sum(p => (p.Minutes - mx) * (p.Value - my)) / sxx;
    }
}
