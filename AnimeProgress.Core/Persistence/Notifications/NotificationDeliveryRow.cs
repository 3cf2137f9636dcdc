namespace AnimeProgress.Core.Persistence.Notifications;

/// <summary>
/// A row of <c>notification_deliveries</c>, the outbox: one event to one channel. Written in the same transaction as
/// the event; the sender on the leader moves it from pending to delivered or dead. (event_id, channel) is unique, so
/// two rules that route one event to one channel send it once.
/// </summary>
public sealed class NotificationDeliveryRow
{
    public const string Table = "notification_deliveries";
    public const int ResultMaxLength = 1000;

    public long Id { get; set; }

    public string EventId { get; set; } = "";

    /// <summary>The channel's name (configured or stored).</summary>
    public string Channel { get; set; } = "";

    /// <summary>The rule that routed it: digests and quiet hours are the rule's.</summary>
    public string Rule { get; set; } = "";

    /// <summary><see cref="DeliveryStates"/>.</summary>
    public string State { get; set; } = DeliveryStates.Pending;

    /// <summary>Rows that share it are sent together as one message; it is that message's idempotency key.</summary>
    public string? DigestId { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>When it was delivered or given up (the retention sweep counts from here).</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The last attempt's outcome in a line (status code and the start of the answer, or the error).</summary>
    public string? LastResult { get; set; }
}
