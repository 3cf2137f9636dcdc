namespace AnimeProgress.Core.Persistence.Notifications;

/// <summary>
/// A row of <c>notification_events</c> (issue 18): something worth telling people, once. The id is stable (a job's
/// outcome takes the job's id; a detected condition a deterministic id from its type, subject and when it began), so the
/// primary key is what keeps a restart or a second node from raising it twice.
/// </summary>
public sealed class NotificationEventRow
{
    public const string Table = "notification_events";
    public const int IdMaxLength = 200;
    public const int TypeMaxLength = 64;

    public string Id { get; set; } = "";

    /// <summary>e.g. <c>job.completed</c>, <c>instance.offline</c>.</summary>
    public string Type { get; set; } = "";

    /// <summary>What it is about: <c>job:42</c>, <c>instance:gpu-1</c>, <c>fleet</c>.</summary>
    public string Subject { get; set; } = "";

    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The event's facts as JSON (<c>NotificationEvent</c>), so a retry next week sends what was true then.</summary>
    public string Payload { get; set; } = "{}";
}
