namespace AnimeProgress.Core.Persistence.Notifications;

/// <summary>
/// A row of <c>notification_conditions</c>: a detected condition that holds now (a stalled job, an offline instance).
/// Its key is the primary key, so a restart or a second node that sees the same condition finds it raised already; the
/// row goes when the condition clears, and the next time it holds it is a new event.
/// </summary>
public sealed class NotificationConditionRow
{
    public const string Table = "notification_conditions";

    /// <summary>e.g. <c>job.stalled|job:42</c>.</summary>
    public string Key { get; set; } = "";

    public string EventId { get; set; } = "";

    public DateTimeOffset BeganAt { get; set; }

    /// <summary>What the condition began at, where clearing depends on it (a stalled job's percent).</summary>
    public string? Mark { get; set; }
}
