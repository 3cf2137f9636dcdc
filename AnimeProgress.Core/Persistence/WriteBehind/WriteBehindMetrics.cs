using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AnimeProgress.Core.Telemetry;

namespace AnimeProgress.Core.Persistence.WriteBehind;

/// <summary>
/// The meter <c>AnimeProgress.Persistence</c>: for each batched writer (<c>writer</c>: JobWrite, ProgressHistory, EtaRun,
/// InstanceStatus), how many writes wait for the database, how often a write failed, and what was dropped to stay bounded.
/// </summary>
public sealed class WriteBehindMetrics
{
    public const string MeterName = TelemetryNames.Prefix + ".Persistence";

    private readonly ConcurrentDictionary<string, Func<int>> _depths = new(StringComparer.Ordinal);
    private readonly TaggedCounts _failures;
    private readonly TaggedCounts _dropped;

    public WriteBehindMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("animeprogress.writebehind.depth",
            () => _depths.Select(d => new Measurement<int>(d.Value(), new KeyValuePair<string, object?>("writer", d.Key))),
            "{write}", "Writes waiting in memory for the database, per writer (a batch being written not counted).");
        _failures = new TaggedCounts(meter, "animeprogress.writebehind.failures", "{failure}",
            "Failed writes: reason=transient (the database away; the batch waits and is retried), reason=rejected (an item the database refused alone; dropped).",
            "writer", "reason");
        _dropped = new TaggedCounts(meter, "animeprogress.writebehind.dropped", "{write}",
            "Waiting writes given up because too many waited (the writer's capacity; final states are kept).", "writer");
    }

    /// <summary>The writer's name from its sink's type (JobWriteSink: JobWrite).</summary>
    internal static string NameOf(object sink)
    {
        var name = sink.GetType().Name;
        return name.EndsWith("Sink", StringComparison.Ordinal) ? name[..^"Sink".Length] : name;
    }

    /// <summary>A writer's depth is read when scraped; its failure and drop counts are the series it keeps.</summary>
    internal WriterCounts Track(string writer, Func<int> depth)
    {
        _depths[writer] = depth;
        return new WriterCounts(_failures.For(writer, "transient"), _failures.For(writer, "rejected"), _dropped.For(writer));
    }

    internal sealed record WriterCounts(CountSeries Transient, CountSeries Rejected, CountSeries Dropped);
}
