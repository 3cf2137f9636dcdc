using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Telemetry;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// The meter <c>AnimeProgress.Tracking</c>: ComfyUI messages the tracker folded, per machine and message type, and how
/// long each fold took on the tracker's one thread (everything behind it waits that long).
/// </summary>
public sealed class TrackerMetrics
{
    public const string MeterName = TelemetryNames.Prefix + ".Tracking";

    // Message and command types are a closed set: their tag values are computed once each.
    private static readonly ConcurrentDictionary<Type, string> TypeNames = new();

    private readonly Counter<long> _messages;
    private readonly Histogram<double> _fold;

    public TrackerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _messages = meter.CreateCounter<long>(
            "animeprogress.comfyui.messages", "{message}", "ComfyUI messages folded by the tracker, per machine and message type.");
        _fold = meter.CreateHistogram(
            "animeprogress.tracker.fold.duration", "s", "Time the tracker's loop spent folding one command (a message, a submission, a reconcile, a tick).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1] });
    }

    internal void Ingested(string instance, ComfyUiEvent message) =>
        _messages.Add(1,
            new KeyValuePair<string, object?>(TelemetryNames.ComfyUiInstance, instance),
            new KeyValuePair<string, object?>("type", NameOf(message.GetType(), "Event")));

    internal void Folded(TrackerCommand command, TimeSpan took) =>
        _fold.Record(took.TotalSeconds, new KeyValuePair<string, object?>("command", NameOf(command.GetType(), "")));

    private static string NameOf(Type type, string suffix) =>
        TypeNames.GetOrAdd(type, t => suffix.Length > 0 && t.Name.EndsWith(suffix, StringComparison.Ordinal) ? t.Name[..^suffix.Length] : t.Name);
}
