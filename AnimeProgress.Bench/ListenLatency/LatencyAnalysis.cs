using System.Diagnostics;

namespace AnimeProgress.Bench.ListenLatency;

/// <summary>
/// Matches each measured write with the first /ws frame that shows it: the first <c>progress_update</c> of that row
/// whose progress is the written value or higher (a row's progress only grows in the run, so a higher value means
/// a newer state that includes the write: the app and the /ws coalescing may skip intermediate states). A write
/// no frame shows is lost.
/// </summary>
internal sealed class LatencyAnalysis
{
    /// <summary>The wire carries one decimal.</summary>
    private const double Tolerance = 0.05;

    private LatencyAnalysis()
    {
    }

    public int Writes { get; private init; }

    public int Inserts { get; private init; }

    public int Updates { get; private init; }

    public int Completions { get; private init; }

    /// <summary>Shown in a frame of their own state.</summary>
    public int Exact { get; private init; }

    /// <summary>First shown by a frame of a newer state of the row.</summary>
    public int Superseded { get; private init; }

    public int Delivered => Exact + Superseded;

    public int Lost => Writes - Delivered;

    /// <summary>Commit acknowledged → frame received, ms, sorted.</summary>
    public double[] EndToEnd { get; private init; } = [];

    /// <summary>Commit acknowledged → notification at the bench's own LISTEN connection, ms, sorted (writes seen there).</summary>
    public double[] ToNotify { get; private init; } = [];

    /// <summary>Notification at the bench's LISTEN → frame, ms, sorted (the app's part).</summary>
    public double[] NotifyToFrame { get; private init; } = [];

    /// <summary>Statement sent → commit acknowledged, ms, sorted.</summary>
    public double[] RoundTrip { get; private init; } = [];

    /// <summary>True when every measured write has been shown.</summary>
    public static bool AllShown(IReadOnlyList<WriteRecord> writes, IReadOnlyList<UpdateFeed.Arrival> arrivals)
    {
        var best = new Dictionary<long, double>();
        foreach (var a in arrivals)
        {
            best[a.Id] = Math.Max(best.GetValueOrDefault(a.Id, double.MinValue), a.Progress);
        }

        return writes.Where(w => w.Measured).All(w => best.TryGetValue(w.Id, out var p) && p >= w.Progress - Tolerance);
    }

    public static LatencyAnalysis Of(IReadOnlyList<WriteRecord> writes, IReadOnlyList<UpdateFeed.Arrival> arrivals, Func<long, double, long?> notifiedAt)
    {
        var byId = arrivals.GroupBy(a => a.Id).ToDictionary(g => g.Key, g => g.OrderBy(a => a.Timestamp).ToArray());
        var measured = writes.Where(w => w.Measured).ToArray();
        var endToEnd = new List<double>(measured.Length);
        var toNotify = new List<double>(measured.Length);
        var notifyToFrame = new List<double>(measured.Length);
        int exact = 0, superseded = 0;
        foreach (var write in measured)
        {
            var notified = notifiedAt(write.Id, write.Progress);
            if (notified is { } n)
            {
                toNotify.Add(Ms(n - write.Committed));
            }

            if (!byId.TryGetValue(write.Id, out var frames))
            {
                continue;
            }

            var shown = Array.Find(frames, f => f.Progress >= write.Progress - Tolerance);
            if (shown == default)
            {
                continue;
            }

            if (shown.Progress <= write.Progress + Tolerance)
            {
                exact++;
            }
            else
            {
                superseded++;
            }

            endToEnd.Add(Ms(shown.Timestamp - write.Committed));
            if (notified is { } at)
            {
                notifyToFrame.Add(Ms(shown.Timestamp - at));
            }
        }

        return new LatencyAnalysis
        {
            Writes = measured.Length,
            Inserts = measured.Count(w => w.Kind == WriteKind.Insert),
            Updates = measured.Count(w => w.Kind == WriteKind.Update),
            Completions = measured.Count(w => w.Kind == WriteKind.Complete),
            Exact = exact,
            Superseded = superseded,
            EndToEnd = [.. endToEnd.Order()],
            ToNotify = [.. toNotify.Order()],
            NotifyToFrame = [.. notifyToFrame.Order()],
            RoundTrip = [.. measured.Select(w => Ms(w.Committed - w.Sent)).Order()],
        };
    }

    /// <summary>Nearest-rank percentile of sorted values (q in 0..1; 1 is the maximum).</summary>
    public static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
