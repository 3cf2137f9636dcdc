using System.Diagnostics.Metrics;

namespace AnimeProgress.Core.Notifications;

/// <summary>
/// The meter <c>AnimeProgress.Notifications</c>: <c>animeprogress.notifications.deliveries</c> counts every try's
/// outcome (delivered, retried, dead) per channel type where the sender makes it, and
/// <c>animeprogress.notifications.events</c> the events raised per type. Exported with the app's other meters.
/// </summary>
public sealed class NotificationMetrics : IDisposable
{
    public const string MeterName = "AnimeProgress.Notifications";

    private readonly Meter _meter;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _events;

    public NotificationMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _deliveries = _meter.CreateCounter<long>("animeprogress.notifications.deliveries", "{delivery}", "Delivery attempts by channel type and outcome (delivered, retried, dead).");
        _events = _meter.CreateCounter<long>("animeprogress.notifications.events", "{event}", "Events raised, by type.");
    }

    /// <param name="outcome">delivered, retried or dead.</param>
    public void Delivery(ChannelType channel, string outcome, int count = 1) =>
        _deliveries.Add(count, new KeyValuePair<string, object?>("channel_type", channel.ToString().ToLowerInvariant()), new KeyValuePair<string, object?>("outcome", outcome));

    public void Raised(IEnumerable<NotificationEvent> events)
    {
        foreach (var e in events)
        {
            _events.Add(1, new KeyValuePair<string, object?>("type", e.Type));
        }
    }

    public void Dispose() => _meter.Dispose();
}
