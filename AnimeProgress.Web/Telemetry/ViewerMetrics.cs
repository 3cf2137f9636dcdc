using System.Diagnostics;
using System.Diagnostics.Metrics;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Telemetry;
using AnimeProgress.Web.Api.WebSockets;
using AnimeProgress.Web.Diagnostics;

namespace AnimeProgress.Web.Telemetry;

/// <summary>
/// The meter <c>AnimeProgress.Viewers</c>: who watches (circuits, /ws clients; read when scraped from the counters the
/// app keeps anyway) and what showing them costs (each circuit's render of a hub batch: count, time on the circuit's
/// dispatcher, and how old each job update was when it was rendered).
/// </summary>
public sealed class ViewerMetrics
{
    public const string MeterName = TelemetryNames.Prefix + ".Viewers";

    private readonly Counter<long> _renders;
    private readonly Histogram<double> _renderTime;
    private readonly Histogram<double> _latency;
    private readonly TimeProvider _time;

    public ViewerMetrics(IMeterFactory meters, CircuitCounter circuits, ProgressSocketServer sockets, TimeProvider time)
    {
        _time = time;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("animeprogress.viewers.circuits", () => circuits.Open, "{circuit}",
            "Open Blazor circuits: browser tabs showing a page of the dashboard.");
        meter.CreateObservableGauge("animeprogress.viewers.circuits.connected", () => circuits.Connected, "{circuit}",
            "Open circuits whose browser is connected right now (the rest are waiting to reconnect).");
        meter.CreateObservableGauge("animeprogress.ws.clients", () => sockets.Connected, "{connection}",
            "Programs connected to the /ws WebSocket API.");
        _renders = meter.CreateCounter<long>("animeprogress.circuit.renders", "{render}",
            "Hub batches rendered by circuits (one per circuit per batch; divide by the circuits for renders per viewer).");
        _renderTime = meter.CreateHistogram("animeprogress.circuit.render.duration", "s",
            "Time a circuit's dispatcher spent applying and rendering one hub batch.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25] });
        _latency = meter.CreateHistogram("animeprogress.update.latency", "s",
            "From a job's snapshot being made (the ComfyUI event folded) to a circuit rendering it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.35, 0.5, 0.75, 1, 2.5, 5, 10] });
    }

    /// <summary>Starts measuring one circuit's render of <paramref name="batch"/>; dispose when the render is done.</summary>
    internal RenderMeasurement StartRender(HubBatch batch) => new(this, batch, _time.GetTimestamp(), StartSpans(batch));

    private static List<Activity>? StartSpans(HubBatch batch)
    {
        if (batch.Traces.Count == 0)
        {
            return null;
        }

        var spans = new List<Activity>(batch.Traces.Count);
        foreach (var (jobId, delivered) in batch.Traces)
        {
            if (JobTracing.StartUnder(JobTracing.CircuitRender, delivered, jobId) is { } span)
            {
                spans.Add(span);
            }
        }

        return spans;
    }

    internal readonly struct RenderMeasurement(ViewerMetrics metrics, HubBatch batch, long started, List<Activity>? spans) : IDisposable
    {
        public void Dispose()
        {
            var time = metrics._time;
            metrics._renders.Add(1);
            metrics._renderTime.Record(time.GetElapsedTime(started).TotalSeconds);
            var now = time.GetUtcNow();
            foreach (var job in batch.Jobs)
            {
                metrics._latency.Record(Math.Max(0, (now - job.UpdatedAt).TotalSeconds));
            }

            foreach (var span in spans ?? [])
            {
                span.Dispose();
            }
        }
    }
}
