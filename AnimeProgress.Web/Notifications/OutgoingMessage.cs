using AnimeProgress.Core.Notifications;

namespace AnimeProgress.Web.Notifications;

/// <summary>
/// One message to one channel: a single event, or a digest listing several. <see cref="MessageId"/> is the idempotency
/// key every try carries; <see cref="Timestamp"/> is when this try is made (Standard Webhooks signs it).
/// </summary>
public sealed record OutgoingMessage(string MessageId, IReadOnlyList<NotificationEvent> Events, string? Rule, DateTimeOffset Timestamp)
{
    public bool IsDigest => Events.Count > 1 || MessageId.StartsWith("dg_", StringComparison.Ordinal);

    /// <summary>The line people read first: the event's title, or how many events a digest holds.</summary>
    public string Title => IsDigest ? $"{Events.Count} notifications{(Rule is { Length: > 0 } ? $" ({Rule})" : "")}" : Events[0].Title;
}
