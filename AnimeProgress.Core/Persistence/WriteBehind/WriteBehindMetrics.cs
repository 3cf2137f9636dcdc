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
    private readonly Counter<long> _failures;
    private readonly Counter<long> _dropped;

    public WriteBehindMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("animeprogress.writebehind.depth",
            () => _depths.Select(d => new Measurement<int>(d.Value(), new KeyValuePair<string, object?>("writer", d.Key))),
            "{write}", "Writes waiting in memory for the database, per writer (a batch being written not counted).");
        _failures = meter.CreateCounter<long>("animeprogress.writebehind.failures", "{batch}",
            "Failed writes: reason=transient (the database away; the batch waits and is retried), reason=rejected (an item the database refused alone; dropped).");
        _dropped = meter.CreateCounter<long>("animeprogress.writebehind.dropped", "{write}",
            "Waiting writes given up because too many waited (the writer's capacity; final states are kept).");
    }

    /// <summary>The writer's name from its sink's type (JobWriteSink: JobWrite).</summary>
    internal static string NameOf(object sink)
    {
        var name = sink.GetType().Name;
        return name.EndsWith("Sink", StringComparison.Ordinal) ? name[..^"Sink".Length] : name;
    }

    internal void Track(string writer, Func<int> depth)
    {
        _depths[writer] = depth;

        // At 0 from the start, so a rate reads 0 rather than "no data" until the first failure.
        Failed(writer, "transient", 0);
        Failed(writer, "rejected", 0);
        Dropped(writer, 0);
    }

    internal void Failed(string writer, string reason, int count = 1) =>
        _failures.Add(count, new KeyValuePair<string, object?>("writer", writer), new KeyValuePair<string, object?>("reason", reason));

    internal void Dropped(string writer, int count) =>
        _dropped.Add(count, new KeyValuePair<string, object?>("writer", writer));
}
