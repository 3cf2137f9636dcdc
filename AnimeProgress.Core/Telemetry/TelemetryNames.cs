namespace AnimeProgress.Core.Telemetry;

/// <summary>
/// The names other programs see: every meter and activity source of the project starts with <see cref="Prefix"/>, so
/// one wildcard (<see cref="Wildcard"/>) exports them all, including meters added later by other features.
/// </summary>
public static class TelemetryNames
{
    public const string Prefix = "AnimeProgress";

    /// <summary>What the exporter subscribes to: <c>AddMeter</c> and <c>AddSource</c> take it as is.</summary>
    public const string Wildcard = Prefix + "*";

    /// <summary>The job a span or measurement is about.</summary>
    public const string JobId = "animeprogress.job.id";

    /// <summary>
    /// The ComfyUI machine. Not plain <c>instance</c>: Prometheus sets that label on every scraped series itself.
    /// </summary>
    public const string ComfyUiInstance = "comfyui.instance";
}
