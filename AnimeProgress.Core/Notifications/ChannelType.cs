namespace AnimeProgress.Core.Notifications;

/// <summary>How a channel delivers: a signed JSON webhook, a Slack or Discord incoming webhook, or e-mail over SMTP.</summary>
public enum ChannelType
{
    Webhook,
    Slack,
    Discord,
    Email,
}
