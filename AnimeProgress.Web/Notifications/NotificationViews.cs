namespace AnimeProgress.Web.Notifications;

/// <summary>A channel as the page shows it: never a secret, the URL only as scheme and host.</summary>
public sealed record ChannelView(string Name, string Type, string Destination, bool FromConfiguration);

/// <summary>A rule as the page shows it.</summary>
public sealed record RuleView(string Name, string Channel, string Events, string Filters, string Timing, bool FromConfiguration);

/// <summary>A delivery in the log, with each try.</summary>
public sealed record DeliveryView(long Id, string EventId, string EventType, string Title, string Channel, string Rule, string State, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt, string? LastResult, string? DigestId, IReadOnlyList<AttemptView> Tries);

public sealed record AttemptView(DateTimeOffset At, string Outcome, int? StatusCode, string? Answer);

/// <summary>One of a signed-in person's "my jobs" subscriptions, as their profile shows it: never the secret, the URL only as scheme and host.</summary>
public sealed record MySubscriptionView(string Name, string Events, string Destination);
