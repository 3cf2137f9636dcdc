namespace AnimeProgress.Core.Persistence.Notifications;

/// <summary>
/// A row of <c>notification_channels</c>: a channel an Admin (or, for themselves, a user) defined on the page. Secrets
/// (<see cref="Url"/> of chat webhooks, <see cref="Secret"/>, <see cref="SmtpPassword"/>) are stored encrypted by the web
/// app and never shown again in full.
/// </summary>
public sealed class NotificationChannelRow
{
    public const string Table = "notification_channels";

    public long Id { get; set; }

    public string Name { get; set; } = "";

    /// <summary>Webhook, Slack, Discord or Email.</summary>
    public string Type { get; set; } = "";

    public string? Url { get; set; }

    public string? Secret { get; set; }

    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; }

    public bool SmtpUseTls { get; set; }

    public string? SmtpUser { get; set; }

    public string? SmtpPassword { get; set; }

    public string? From { get; set; }

    public string? To { get; set; }

    /// <summary>The account a personal channel belongs to ("my jobs"); null for the studio's.</summary>
    public string? Owner { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
