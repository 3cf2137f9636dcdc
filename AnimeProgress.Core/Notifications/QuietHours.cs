using System.Globalization;

namespace AnimeProgress.Core.Notifications;

/// <summary>A daily window (<c>22:00-07:00</c>, may cross midnight) in a time zone during which a rule's deliveries wait.</summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End, TimeZoneInfo Zone)
{
    public static bool TryParse(string? text, string? zoneId, out QuietHours? quiet)
    {
        quiet = null;
        var parts = (text ?? "").Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
            || start == end)
        {
            return false;
        }

        if (!TryZone(zoneId, out var zone))
        {
            return false;
        }

        quiet = new QuietHours(start, end, zone);
        return true;
    }

    public static bool TryZone(string? zoneId, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(zoneId))
        {
            return true;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
            return true;
        }
        catch (TimeZoneNotFoundException)
        {
            return false;
        }
        catch (InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>When the window that contains <paramref name="now"/> ends; null when <paramref name="now"/> is outside it.</summary>
    public DateTimeOffset? EndsAfter(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, Zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var inside = Start < End ? time >= Start && time < End : time >= Start || time < End;
        if (!inside)
        {
            return null;
        }

        var endDate = DateOnly.FromDateTime(local.DateTime);
        if (Start > End && time >= Start)
        {
            endDate = endDate.AddDays(1);
        }

        var endLocal = endDate.ToDateTime(End);
        return new DateTimeOffset(endLocal, Zone.GetUtcOffset(endLocal)).ToUniversalTime();
    }
}
