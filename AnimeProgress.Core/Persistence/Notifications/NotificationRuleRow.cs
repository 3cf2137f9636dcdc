namespace AnimeProgress.Core.Persistence.Notifications;

/// <summary>A row of <c>notification_rules</c>: which events (and which jobs or instances) go to which channel.</summary>
public sealed class NotificationRuleRow
{
    public const string Table = "notification_rules";

    public long Id { get; set; }

    public string Name { get; set; } = "";

    public string Channel { get; set; } = "";

    /// <summary>Event types, comma-separated (<c>job.completed,job.failed</c>).</summary>
    public string Events { get; set; } = "";

    public string? Workflow { get; set; }

    public string? Instance { get; set; }

    public string? Kind { get; set; }

    public string? Submitter { get; set; }

    /// <summary>The account whose own jobs this rule is about ("my jobs"); null for the studio's rules.</summary>
    public string? Owner { get; set; }

    /// <summary>More than this many events of the rule within a minute become one message; null: never.</summary>
    public int? DigestAfter { get; set; }

    /// <summary>e.g. <c>22:00-07:00</c>: deliveries wait until it ends.</summary>
    public string? QuietHours { get; set; }

    public string? TimeZone { get; set; }

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }
}
