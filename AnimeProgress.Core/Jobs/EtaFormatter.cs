using System.Globalization;

namespace AnimeProgress.Core.Jobs;

/// <summary>Formats durations the way the seed's clients show them ("2m 25s", "—" when unknown).</summary>
public static class EtaFormatter
{
    public const string Unknown = "—";

    public static string Format(double? seconds)
    {
        if (seconds is not { } value || double.IsNaN(value) || double.IsInfinity(value) || value < 0)
        {
            return Unknown;
        }

        return Format(TimeSpan.FromSeconds(Math.Round(value)));
    }

    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            return Unknown;
        }

        var total = (long)Math.Round(duration.TotalSeconds);
        var hours = total / 3600;
        var minutes = total % 3600 / 60;
        var secs = total % 60;
        return hours > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hours}h {minutes}m")
            : minutes > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{minutes}m {secs}s")
                : string.Create(CultureInfo.InvariantCulture, $"{secs}s");
    }
}
