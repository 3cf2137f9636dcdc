using System.Diagnostics.Metrics;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Telemetry;

namespace AnimeProgress.Core.Fleet;

/// <summary>
/// The meter <c>AnimeProgress.Fleet</c>: each ComfyUI machine as the hub last heard of it (online, queue, GPU memory),
/// read when scraped; nothing is sampled for the metrics' sake.
/// </summary>
public sealed class FleetMetrics
{
    public const string MeterName = TelemetryNames.Prefix + ".Fleet";

    public FleetMetrics(IMeterFactory meters, ProgressHub hub)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("animeprogress.instance.online", () => Instances(hub, i => i.Online ? 1 : 0), "{instance}",
            "1 while the ComfyUI machine is reachable, else 0.");
        meter.CreateObservableGauge("animeprogress.instance.queue.depth", () => Instances(hub, i => i.QueueRemaining), "{prompt}",
            "Prompts waiting or running on the ComfyUI machine, as its last status message said.");
        meter.CreateObservableGauge("animeprogress.instance.vram.used", () => Devices(hub, d => d.VramUsed), "By",
            "GPU memory in use on each device of the ComfyUI machine (its last /system_stats answer).");
        meter.CreateObservableGauge("animeprogress.instance.vram.total", () => Devices(hub, d => d.VramTotal), "By",
            "GPU memory of each device of the ComfyUI machine.");
    }

    private static IEnumerable<Measurement<int>> Instances(ProgressHub hub, Func<InstanceStatus, int> value) =>
        hub.Instances.Select(i => new Measurement<int>(value(i), new KeyValuePair<string, object?>(TelemetryNames.ComfyUiInstance, i.Name)));

    private static IEnumerable<Measurement<long>> Devices(ProgressHub hub, Func<DeviceStats, long> value) =>
        hub.Instances.SelectMany(i => i.Devices.Select(d => new Measurement<long>(value(d),
            new KeyValuePair<string, object?>(TelemetryNames.ComfyUiInstance, i.Name),
            new KeyValuePair<string, object?>("device", d.Name))));
}
