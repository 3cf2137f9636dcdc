using System.Globalization;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.Components.Fleet;

/// <summary>How an instance's state reads to an operator.</summary>
public static class InstanceText
{
    public static string State(InstanceStatus i, DateTimeOffset now)
    {
        var since = EtaFormatter.Format(now - i.Since);
        if (i.Online)
        {
            return $"Online for {since}";
        }

        var retry = i.NextRetryAt is { } next && next > now
            ? $"; retry #{i.ReconnectAttempt} in {EtaFormatter.Format(next - now)}"
            : i.ReconnectAttempt > 0 ? $"; retry #{i.ReconnectAttempt}" : "";
        return $"Offline for {since}{retry}";
    }

    public static string Gib(long bytes) => (bytes / 1073741824.0).ToString("0.0", CultureInfo.InvariantCulture);

    public static double Percent(long used, long total) => total > 0 ? Math.Round(100.0 * used / total, 1) : 0;
}
