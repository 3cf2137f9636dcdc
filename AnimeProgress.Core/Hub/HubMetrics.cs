using System.Diagnostics.Metrics;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Telemetry;

namespace AnimeProgress.Core.Hub;

/// <summary>
/// The meter <c>AnimeProgress.Hub</c>: jobs by status (read when scraped from the hub's own O(1) counts) and what the hub
/// does (jobs finishing, updates handed to subscribers or coalesced in a subscriber's mailbox).
/// </summary>
public sealed class HubMetrics
{
    public const string MeterName = TelemetryNames.Prefix + ".Hub";

    private readonly Meter _meter;
    private readonly CountSeries?[] _finished;
    private readonly TaggedCounts _coalesced;
    private readonly TaggedCounts _delivered;

    public HubMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        var finished = new TaggedCounts(_meter,
            "animeprogress.jobs.finished", "{job}", "Jobs that reached a final status (completed, failed, cancelled) while this node watched.", "status");
        _finished = [.. Enum.GetValues<JobStatus>().Select(s => s.IsTerminal() ? finished.For(s.ToWire()) : null)];
        _coalesced = new TaggedCounts(_meter,
            "animeprogress.hub.updates.coalesced", "{update}", "Job updates replaced by a newer one before a subscriber took them (newest wins).", "subscriber");
        _delivered = new TaggedCounts(_meter,
            "animeprogress.hub.updates.delivered", "{update}", "Job updates handed to subscribers.", "subscriber");
    }

    /// <summary>The gauges that read the hub's state when scraped; the hub calls this once, from its constructor.</summary>
    internal void Observe(ProgressHub hub)
    {
        _meter.CreateObservableGauge("animeprogress.jobs", () => JobsByStatus(hub), "{job}", "Jobs the hub knows, by status.");
    }

    internal void Finished(JobStatus status) => _finished[(int)status]?.Add(1);

    /// <summary>A subscriber's two series (coalesced, delivered), which it keeps.</summary>
    internal (CountSeries Coalesced, CountSeries Delivered) Subscribed(string subscriber) =>
        (_coalesced.For(subscriber), _delivered.For(subscriber));

    private static IEnumerable<Measurement<int>> JobsByStatus(ProgressHub hub) =>
        Enum.GetValues<JobStatus>().Select(s => new Measurement<int>(hub.Count(s), new KeyValuePair<string, object?>("status", s.ToWire())));
}
