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
    private readonly Counter<long> _finished;
    private readonly Counter<long> _coalesced;
    private readonly Counter<long> _delivered;

    public HubMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _finished = _meter.CreateCounter<long>(
            "animeprogress.jobs.finished", "{job}", "Jobs that reached a final status (completed, failed, cancelled) while this node watched.");
        _coalesced = _meter.CreateCounter<long>(
            "animeprogress.hub.updates.coalesced", "{update}", "Job updates replaced by a newer one before a subscriber took them (newest wins).");
        _delivered = _meter.CreateCounter<long>(
            "animeprogress.hub.updates.delivered", "{update}", "Job updates handed to subscribers.");

        // Series that exist at 0 from the start: a rate over them reads 0, not "no data", until the first job finishes.
        foreach (var status in Enum.GetValues<JobStatus>().Where(s => s.IsTerminal()))
        {
            _finished.Add(0, new KeyValuePair<string, object?>("status", status.ToWire()));
        }
    }

    /// <summary>The gauges that read the hub's state when scraped; the hub calls this once, from its constructor.</summary>
    internal void Observe(ProgressHub hub)
    {
        _meter.CreateObservableGauge("animeprogress.jobs", () => JobsByStatus(hub), "{job}", "Jobs the hub knows, by status.");
    }

    internal void Finished(JobStatus status) =>
        _finished.Add(1, new KeyValuePair<string, object?>("status", status.ToWire()));

    internal void Subscribed(string subscriber)
    {
        _coalesced.Add(0, new KeyValuePair<string, object?>("subscriber", subscriber));
        _delivered.Add(0, new KeyValuePair<string, object?>("subscriber", subscriber));
    }

    internal void Coalesced(string subscriber) =>
        _coalesced.Add(1, new KeyValuePair<string, object?>("subscriber", subscriber));

    internal void Delivered(string subscriber, int count) =>
        _delivered.Add(count, new KeyValuePair<string, object?>("subscriber", subscriber));

    private static IEnumerable<Measurement<int>> JobsByStatus(ProgressHub hub) =>
        Enum.GetValues<JobStatus>().Select(s => new Measurement<int>(hub.Count(s), new KeyValuePair<string, object?>("status", s.ToWire())));
}
