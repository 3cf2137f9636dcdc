namespace AnimeProgress.Core.Notifications;

/// <summary>
/// One channel from <c>AnimeProgress:Notifications:Channels:N</c> (or a row of <c>notification_channels</c>). Url and
/// Secret for the web channels; the Smtp* settings, From and To for e-mail. Secrets belong in environment variables or
/// user secrets, never in a committed appsettings file.
/// </summary>
public sealed class ChannelOptions
{
    public string Name { get; set; } = "";

    /// <summary>Webhook, Slack, Discord or Email.</summary>
    public string Type { get; set; } = "";

    public string? Url { get; set; }

    /// <summary>A webhook's signing secret: <c>whsec_</c> followed by base64 (Standard Webhooks).</summary>
    public string? Secret { get; set; }

    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; } = 587;

    public SmtpSecurity SmtpSecurity { get; set; } = SmtpSecurity.Auto;

    public string? SmtpUser { get; set; }

    public string? SmtpPassword { get; set; }

    public string? From { get; set; }

    /// <summary>Recipients, separated by commas or semicolons.</summary>
    public string? To { get; set; }

    /// <summary>The account a personal channel belongs to; null for the studio's (always null in configuration).</summary>
    public string? Owner { get; set; }

    /// <summary>True for channels declared in configuration: shown on the page, not editable there.</summary>
    public bool FromConfiguration { get; set; }

    public ChannelType ParsedType => Enum.Parse<ChannelType>(Type, ignoreCase: true);

    public IReadOnlyList<string> Recipients =>
        (To ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
