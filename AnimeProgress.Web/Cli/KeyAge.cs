using System.Globalization;

namespace AnimeProgress.Web.Cli;

/// <summary><c>--expires 30d</c>: a whole number of days (d), hours (h) or minutes (m), up to ten years.</summary>
internal static class KeyAge
{
    public static TimeSpan Parse(string text)
    {
        text = text.Trim();
        if (text.Length >= 2
            && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count > 0
            && (char.ToLowerInvariant(text[^1]) switch
            {
                'd' => TimeSpan.FromDays(count),
                'h' => TimeSpan.FromHours(count),
                'm' => TimeSpan.FromMinutes(count),
                _ => (TimeSpan?)null,
            }) is { } age
            && age <= TimeSpan.FromDays(3653))
        {
            return age;
        }

        throw new JobsUsageException($"--expires must be a number of days, hours or minutes such as 30d, 12h or 90m (got '{text}')");
    }
}
