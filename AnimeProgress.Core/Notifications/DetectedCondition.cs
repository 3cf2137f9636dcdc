namespace AnimeProgress.Core.Notifications;

/// <summary>A condition that began: its key (one open row per key), the event it raises, and what clearing it depends on.</summary>
public sealed record DetectedCondition(string Key, NotificationEvent Event, string? Mark);

/// <summary>A condition raised earlier and not cleared yet (a row of <c>notification_conditions</c>).</summary>
public sealed record OpenCondition(string Key, string EventId, string? Mark);

/// <summary>What one look at the live state found: conditions that began, keys that cleared, and events raised by a clearing (an instance back online).</summary>
public sealed record ConditionChanges(IReadOnlyList<DetectedCondition> Began, IReadOnlyList<string> Cleared, IReadOnlyList<NotificationEvent> Events);
