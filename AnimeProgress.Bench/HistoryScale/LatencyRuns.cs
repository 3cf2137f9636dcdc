using System.Diagnostics;

namespace AnimeProgress.Bench.HistoryScale;

/// <summary>Runs one query a number of times after a warm-up and keeps each run's wall time (ms), as a caller waits for it.</summary>
internal static class LatencyRuns
{
    public readonly record struct Figures(double P50, double P95, double Max, int Runs);

    public static async Task<Figures> MeasureAsync(Func<CancellationToken, Task> query, int runs, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 2; i++)
        {
            await query(cancellationToken);
        }

        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await query(cancellationToken);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        return new Figures(Percentile(times, 0.50), Percentile(times, 0.95), times[^1], runs);
    }

    /// <summary>Nearest rank on sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
