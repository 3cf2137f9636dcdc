using System.Globalization;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.Components.Fleet;

/// <summary>
/// How a ComfyUI machine's state reads to an operator, in one place for the fleet page, the
/// dashboard's strip and the app bar's pills. Durations are <see cref="JobText"/>'s words.
/// </summary>
public static class InstanceText
{
    private const double BytesPerGib = 1073741824.0;

    /// <summary>"Online for 5m 0s", "Offline for 5m 0s; retry #4 in 8s".</summary>
    public static string State(InstanceStatus i, DateTimeOffset now)
    {
        var since = JobText.Duration(now - i.Since);
        if (i.Online)
        {
            return $"Online for {since}";
        }

        var retry = i.NextRetryAt is { } next && next > now
            ? string.Create(CultureInfo.InvariantCulture, $"; retry #{i.ReconnectAttempt} in {JobText.Duration(next - now)}")
            : i.ReconnectAttempt > 0 ? string.Create(CultureInfo.InvariantCulture, $"; retry #{i.ReconnectAttempt}") : "";
        return $"Offline for {since}{retry}";
    }

    /// <summary>The app bar pill's tooltip: "gpu-1: online for 5m 0s; queue 2; VRAM 12.0/24.0 GiB".</summary>
    public static string Tooltip(InstanceStatus i, DateTimeOffset now)
    {
        var since = JobText.Duration(now - i.Since);
        var state = i.Online ? $"online for {since}" : $"offline for {since}{(i.LastError is null ? "" : $" ({i.LastError})")}";
        var vram = string.Join(", ", i.Devices.Select(d => $"{Gib(d.VramUsed)}/{Gib(d.VramTotal)} GiB"));
        return string.Create(CultureInfo.InvariantCulture, $"{i.Name}: {state}; queue {i.QueueRemaining}{(vram.Length > 0 ? "; VRAM " + vram : "")}");
    }

    /// <summary>The dashboard strip's line: "queue 2" or "offline".</summary>
    public static string QueueOrOffline(InstanceStatus i) =>
        i.Online ? string.Create(CultureInfo.InvariantCulture, $"queue {i.QueueRemaining}") : "offline";

    /// <summary>"12.0" (GiB, one decimal).</summary>
    public static string Gib(long bytes) => (bytes / BytesPerGib).ToString("0.0", CultureInfo.InvariantCulture);

    public static double Percent(long used, long total) => total > 0 ? Math.Round(100.0 * used / total, 1) : 0;

    /// <summary>Percent as a bar's value and width: "50", "37.5".</summary>
    public static string PercentValue(long used, long total) => Percent(used, total).ToString(CultureInfo.InvariantCulture);

    /// <summary>Whole percent for a compact label: "50%".</summary>
    public static string PercentWhole(long used, long total) => Percent(used, total).ToString("0", CultureInfo.InvariantCulture) + "%";
}
