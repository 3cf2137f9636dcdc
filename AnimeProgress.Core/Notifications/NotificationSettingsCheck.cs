namespace AnimeProgress.Core.Notifications;

/// <summary>
/// What makes a channel or a rule valid, shared by the start-up validator (messages naming the configuration key) and
/// the page that stores them (messages next to the field). Each problem is reported as (field, problem).
/// </summary>
public static class NotificationSettingsCheck
{
    private static readonly string[] SlackHosts = ["hooks.slack.com"];
    private static readonly string[] DiscordHosts = ["discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"];

    public static void CheckChannel(ChannelOptions channel, DestinationPolicy destinations, Action<string, string> problem)
    {
        if (string.IsNullOrWhiteSpace(channel.Name))
        {
            problem("Name", "must be set (rules name their channel by it).");
        }

        if (!Enum.TryParse<ChannelType>(channel.Type, ignoreCase: true, out var type) || int.TryParse(channel.Type, out _))
        {
            problem("Type", $"must be Webhook, Slack, Discord or Email (got '{channel.Type}').");
            return;
        }

        if (type == ChannelType.Email)
        {
            CheckEmail(channel, problem);
            return;
        }

        if (!Uri.TryCreate(channel.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            problem("Url", "must be an absolute http(s) URL.");
            return;
        }

        // A host the Admin allowed (a proxy, a test receiver) may stand in for the chat service.
        var allowed = destinations.NamesHost(url.Host);
        if (type == ChannelType.Slack && !allowed && !(url.Scheme == "https" && SlackHosts.Contains(url.Host, StringComparer.OrdinalIgnoreCase) && url.AbsolutePath.StartsWith("/services/", StringComparison.Ordinal)))
        {
            problem("Url", "is not a Slack incoming webhook (https://hooks.slack.com/services/…).");
        }

        if (type == ChannelType.Discord && !allowed && !(url.Scheme == "https" && DiscordHosts.Contains(url.Host, StringComparer.OrdinalIgnoreCase) && url.AbsolutePath.StartsWith("/api/webhooks/", StringComparison.Ordinal)))
        {
            problem("Url", "is not a Discord webhook (https://discord.com/api/webhooks/…).");
        }

        if (type == ChannelType.Webhook && !WebhookSecret.TryDecode(channel.Secret, out _))
        {
            problem("Secret", "must be whsec_ followed by base64 of 24 to 64 random bytes (Standard Webhooks), e.g. from `openssl rand -base64 32`.");
        }
    }

    public static void CheckRule(RuleOptions rule, ISet<string> channels, Action<string, string> problem)
    {
        if (string.IsNullOrWhiteSpace(rule.Channel) || !channels.Contains(rule.Channel))
        {
            problem("Channel", $"must name a channel (got '{rule.Channel}'; known: {(channels.Count == 0 ? "none" : string.Join(", ", channels))}).");
        }

        var events = rule.EventTypes;
        if (events.Count == 0)
        {
            problem("Events", $"must list at least one event: {string.Join(", ", NotificationEventTypes.All)}.");
        }

        foreach (var unknown in events.Where(e => !NotificationEventTypes.All.Contains(e)))
        {
            problem("Events", $"names an unknown event '{unknown}' (known: {string.Join(", ", NotificationEventTypes.All)}).");
        }

        if (rule.Kind is { Length: > 0 } kind && !kind.Equals("image", StringComparison.OrdinalIgnoreCase) && !kind.Equals("video", StringComparison.OrdinalIgnoreCase))
        {
            problem("Kind", $"must be Image or Video (got '{kind}').");
        }

        if (rule.DigestAfter is < 1)
        {
            problem("DigestAfter", $"must be at least 1 (got {rule.DigestAfter}).");
        }

        if (!QuietHours.TryZone(rule.TimeZone, out _))
        {
            problem("TimeZone", $"is not a known time zone (got '{rule.TimeZone}'; e.g. Europe/Berlin).");
        }
        else if (!string.IsNullOrWhiteSpace(rule.QuietHours) && !QuietHours.TryParse(rule.QuietHours, rule.TimeZone, out _))
        {
            problem("QuietHours", $"must be HH:mm-HH:mm, e.g. 22:00-07:00 (got '{rule.QuietHours}').");
        }
    }

    private static void CheckEmail(ChannelOptions channel, Action<string, string> problem)
    {
        if (string.IsNullOrWhiteSpace(channel.SmtpHost) || Uri.CheckHostName(channel.SmtpHost) == UriHostNameType.Unknown)
        {
            problem("SmtpHost", "must be the SMTP server's host name or address.");
        }

        if (channel.SmtpPort is < 1 or > 65535)
        {
            problem("SmtpPort", $"must be a port number (got {channel.SmtpPort}).");
        }

        if (channel.From is not { } from || !LooksLikeAddress(from))
        {
            problem("From", "must be an e-mail address.");
        }

        if (channel.Recipients.Count == 0 || channel.Recipients.Any(r => !LooksLikeAddress(r)))
        {
            problem("To", "must list one or more e-mail addresses, separated by commas.");
        }
    }

    private static bool LooksLikeAddress(string text) => text.IndexOf('@', StringComparison.Ordinal) is > 0 && !text.EndsWith('@') && !text.Any(char.IsWhiteSpace);
}
