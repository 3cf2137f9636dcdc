using System.Globalization;

namespace AnimeProgress.Web.Api.Wire;

/// <summary>
/// Timestamps as the seed's clients read them: ISO 8601 in UTC with a "Z". Milliseconds, like
/// JavaScript's <c>toISOString()</c>, so every client's date parser takes them.
/// </summary>
public static class WireTime
{
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? Format(DateTimeOffset? value) => value is { } v ? Format(v) : null;
}
