namespace AnimeProgress.Core.Persistence.Notifications;

/// <summary>A row of <c>notification_attempts</c>: one try of a delivery, for the delivery log page.</summary>
public sealed class NotificationAttemptRow
{
    public const string Table = "notification_attempts";
    public const int AnswerMaxLength = 500;

    public long Id { get; set; }

    public long DeliveryId { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>delivered, retried or dead.</summary>
    public string Outcome { get; set; } = "";

    public int? StatusCode { get; set; }

    public string? Answer { get; set; }
}
