namespace AnimeProgress.Core.Notifications;

/// <summary>
/// One rule from <c>AnimeProgress:Notifications:Rules:N</c> (or a row of <c>notification_rules</c>): which events, about
/// which jobs or instances, go to which channel, and whether they wait out quiet hours or are folded into a digest.
/// </summary>
public sealed class RuleOptions
{
    /// <summary>Defaults to <c>rule-N</c>.</summary>
    public string? Name { get; set; }

    public string Channel { get; set; } = "";

    /// <summary>Event types (<see cref="NotificationEventTypes"/>); an entry may list several separated by commas.</summary>
    public List<string> Events { get; set; } = [];

    /// <summary>Only jobs whose workflow key is this, or whose title contains it (case-insensitive).</summary>
    public string? Workflow { get; set; }

    /// <summary>Only this ComfyUI instance's jobs and events.</summary>
    public string? Instance { get; set; }

    /// <summary><c>Image</c> or <c>Video</c>.</summary>
    public string? Kind { get; set; }

    /// <summary>Only jobs this account submitted.</summary>
    public string? Submitter { get; set; }

    /// <summary>A "my jobs" rule's account: only that account's jobs. Never set in configuration.</summary>
    public string? Owner { get; set; }

    /// <summary>More than this many of the rule's events within a minute become one message listing them; null: never.</summary>
    public int? DigestAfter { get; set; }

    /// <summary><c>HH:mm-HH:mm</c>, e.g. <c>22:00-07:00</c>: deliveries wait until the end (and then fold into a digest if the rule has one).</summary>
    public string? QuietHours { get; set; }

    /// <summary>The quiet hours' time zone (IANA or Windows id); default UTC.</summary>
    public string? TimeZone { get; set; }

    public bool FromConfiguration { get; set; }

    public IReadOnlyList<string> EventTypes =>
        [.. Events.SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal)];
}
