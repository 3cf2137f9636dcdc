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

    /// <summary>
    /// "4–6 min" when the range is wide (more than a fifth of the estimate and over 30 s), else the point
    /// estimate as <see cref="Format(double?)"/> gives it.
    /// </summary>
    public static string FormatRange(double? eta, double? low, double? high)
    {
        if (eta is not { } point || low is not { } lo || high is not { } hi || hi - lo <= Math.Max(30, 0.2 * point))
        {
            return Format(eta);
        }

        if (hi < 90)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Round(lo)}–{Math.Round(hi)} s");
        }

        if (hi < 5400)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, Math.Floor(lo / 60))}–{Math.Ceiling(hi / 60)} min");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(lo / 360) / 10:0.#}–{Math.Ceiling(hi / 360) / 10:0.#} h");
    }
}
