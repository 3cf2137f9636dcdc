namespace AnimeProgress.Core.Jobs;

/// <summary>
/// The old name of <see cref="JobText"/>'s duration words, kept only while the last callers (history
/// pages, the command line, <see cref="JobSnapshot.EtaText"/>) move over; delete it then.
/// </summary>
public static class EtaFormatter
{
    public const string Unknown = JobText.Unknown;

    public static string Format(double? seconds) => JobText.Duration(seconds);

    public static string Format(TimeSpan duration) => JobText.Duration(duration);

    public static string FormatRange(double? eta, double? low, double? high) => JobText.EtaRange(eta, low, high);
}
