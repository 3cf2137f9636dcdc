using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Notifications;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Core.Notifications;

/// <summary>
/// Adds events and their deliveries (one per channel its rules route it to) to a context whose transaction also holds
/// what caused them; the caller saves. An event whose id is stored already is skipped with its deliveries: that is what
/// keeps a restart or a second node from telling anything twice.
/// </summary>
public sealed class OutboxEnlister(NotificationCatalog catalog, TimeProvider time)
{
    /// <returns>The events that were new (and so were added).</returns>
    public async Task<IReadOnlyList<NotificationEvent>> EnlistAsync(AnimeProgressDbContext db, IReadOnlyList<NotificationEvent> events, CancellationToken cancellationToken)
    {
        var ids = events.Select(e => e.Id).Distinct().ToList();
        var known = (await db.NotificationEvents.Where(e => ids.Contains(e.Id)).Select(e => e.Id).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var fresh = events.Where(e => known.Add(e.Id)).ToList();
        if (fresh.Count == 0)
        {
            return fresh;
        }

        var now = time.GetUtcNow();
        var channels = (await catalog.ChannelsAsync(db, cancellationToken)).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var rules = await catalog.RulesAsync(db, cancellationToken);
        var schedule = new DeliverySchedule(db, now);
        foreach (var e in fresh)
        {
            db.NotificationEvents.Add(new NotificationEventRow { Id = e.Id, Type = e.Type, Subject = e.Subject, OccurredAt = e.OccurredAt, Payload = e.ToJson() });
            var routed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var rule in rules.Where(r => channels.Contains(r.Channel) && RuleMatch.Matches(r, e)))
            {
                if (!routed.Add(rule.Channel))
                {
                    continue;
                }

                var (due, digestId) = await schedule.PlanAsync(rule, rule.Channel, e.Id, cancellationToken);
                db.NotificationDeliveries.Add(new NotificationDeliveryRow
                {
                    EventId = e.Id,
                    Channel = rule.Channel,
                    Rule = rule.Name ?? "",
                    State = DeliveryStates.Pending,
                    DigestId = digestId,
                    CreatedAt = now,
                    NextAttemptAt = due,
                });
            }
        }

        return fresh;
    }
}
