using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Notifications;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Core.Notifications;

/// <summary>
/// When a new delivery is due, and whether it joins a digest: during the rule's quiet hours it waits for their end;
/// past the rule's <c>DigestAfter</c> deliveries within a minute (or waiting for the same end of quiet hours), it joins
/// the rule's open digest (or opens one, due a minute later), so 1,000 jobs finishing in a minute are a few messages.
/// Lives for one transaction: it also counts the rows that transaction added and has not saved yet.
/// </summary>
internal sealed class DeliverySchedule(AnimeProgressDbContext db, DateTimeOffset now)
{
    public static readonly TimeSpan DigestWindow = TimeSpan.FromMinutes(1);

    // A digest due this soon takes no more members: the sender may be reading it already.
    private static readonly TimeSpan JoinMargin = TimeSpan.FromSeconds(5);

    private readonly Dictionary<(string Channel, string Rule), Pending> _added = [];

    public async Task<(DateTimeOffset Due, string? DigestId)> PlanAsync(RuleOptions rule, string channel, string eventId, CancellationToken cancellationToken)
    {
        var quietEnd = QuietHours.TryParse(rule.QuietHours, rule.TimeZone, out var quiet) ? quiet!.EndsAfter(now) : null;
        var due = quietEnd ?? now;
        var key = (channel, rule.Name ?? "");
        var pending = _added.TryGetValue(key, out var p) ? p : new Pending(0, null, due);
        string? digestId = null;
        if (rule.DigestAfter is { } limit)
        {
            var since = now - DigestWindow;
            var recent = pending.Count + await db.NotificationDeliveries.CountAsync(
                d => d.Channel == channel && d.Rule == key.Item2 && (d.CreatedAt > since || (d.State == DeliveryStates.Pending && d.NextAttemptAt == due && d.NextAttemptAt > now)),
                cancellationToken);
            if (recent >= limit)
            {
                if (pending.DigestId is null)
                {
                    var joinAfter = now + JoinMargin;
                    var open = await db.NotificationDeliveries
                        .Where(d => d.Channel == channel && d.Rule == key.Item2 && d.State == DeliveryStates.Pending && d.DigestId != null && d.Attempts == 0 && d.NextAttemptAt > joinAfter)
                        .OrderBy(d => d.Id)
                        .Select(d => new { d.DigestId, d.NextAttemptAt })
                        .FirstOrDefaultAsync(cancellationToken);
                    pending = open is not null
                        ? pending with { DigestId = open.DigestId, DigestDue = open.NextAttemptAt }
                        : pending with { DigestId = MessageIds.ForDigest(eventId, channel), DigestDue = Later(due, now + DigestWindow) };
                }

                digestId = pending.DigestId;
                due = pending.DigestDue;
            }
        }

        _added[key] = pending with { Count = pending.Count + 1 };
        return (due, digestId);
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private readonly record struct Pending(int Count, string? DigestId, DateTimeOffset DigestDue);
}
