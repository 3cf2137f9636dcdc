using System.Security.Claims;
using AnimeProgress.Core.Notifications;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Notifications;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Notifications;

/// <summary>
/// What /admin/notifications may do, checked here on the server for the user who asks: only an Admin lists, adds and
/// removes channels and rules (configured ones are read-only), reads the delivery log, sends a delivery again or a test
/// message. Every change is audited. A refused call throws <see cref="UnauthorizedAccessException"/> and changes nothing.
/// </summary>
public sealed class NotificationAdministration(
    IAuthorizationService authorization,
    IDbContextFactory<AnimeProgressDbContext> contexts,
    NotificationCatalog catalog,
    DestinationPolicy destinations,
    ChannelSecrets secrets,
    OutboxSignal signal,
    AuditLog audit,
    TimeProvider time)
{
    public async Task<IReadOnlyList<ChannelView>> ChannelsAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return [.. (await catalog.ChannelsAsync(db, cancellationToken)).Select(c => new ChannelView(
            c.Name, c.Type, PersonalEmail.IsPersonal(c) ? $"{c.Owner}'s own address" : c.ParsedType == ChannelType.Email ? $"{c.SmtpHost}:{c.SmtpPort} → {c.To}" : secrets.Mask(c.Url), c.FromConfiguration))];
    }

    public async Task<IReadOnlyList<RuleView>> RulesAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return [.. (await catalog.RulesAsync(db, cancellationToken)).Select(r => new RuleView(
            r.Name ?? "", r.Channel, string.Join(", ", r.EventTypes),
            string.Join("; ", new[] { ("workflow", r.Workflow), ("instance", r.Instance), ("kind", r.Kind), ("submitter", r.Submitter), ("owner", r.Owner) }
                .Where(f => !string.IsNullOrWhiteSpace(f.Item2)).Select(f => $"{f.Item1} = {f.Item2}")),
            string.Join("; ", new[] { r.DigestAfter is { } n ? $"digest after {n}/min" : null, r.QuietHours is { Length: > 0 } q ? $"quiet {q} {r.TimeZone ?? "UTC"}" : null }.OfType<string>()),
            r.FromConfiguration))];
    }

    /// <returns>What is wrong (field, problem); empty when the channel was stored.</returns>
    public async Task<IReadOnlyList<string>> AddChannelAsync(ClaimsPrincipal user, ChannelOptions channel, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        var problems = new List<string>();
        NotificationSettingsCheck.CheckChannel(channel, destinations, (field, problem) => problems.Add($"{field} {problem}"));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if ((await catalog.ChannelsAsync(db, cancellationToken)).Any(c => c.Name == channel.Name))
        {
            problems.Add($"Name '{channel.Name}' is taken.");
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        db.NotificationChannels.Add(new NotificationChannelRow
        {
            Name = channel.Name,
            Type = channel.ParsedType.ToString(),
            Url = secrets.Protect(channel.Url),
            Secret = secrets.Protect(channel.Secret),
            SmtpHost = channel.SmtpHost,
            SmtpPort = channel.SmtpPort,
            SmtpUseTls = channel.SmtpSecurity != SmtpSecurity.None,
            SmtpUser = channel.SmtpUser,
            SmtpPassword = secrets.Protect(channel.SmtpPassword),
            From = channel.From,
            To = channel.To,
            CreatedAt = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(new AuditEntry(AuditActor.Of(user), AuditActions.NotificationChannel, AuditOutcomes.Ok, channel.Name, $"added {channel.ParsedType} channel"));
        return [];
    }

    public async Task RemoveChannelAsync(ClaimsPrincipal user, string name, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.NotificationChannels.Where(c => c.Name == name && c.Owner == null).ExecuteDeleteAsync(cancellationToken) > 0)
        {
            await audit.WriteAsync(new AuditEntry(AuditActor.Of(user), AuditActions.NotificationChannel, AuditOutcomes.Ok, name, "removed"));
        }
    }

    public async Task<IReadOnlyList<string>> AddRuleAsync(ClaimsPrincipal user, RuleOptions rule, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var channels = (await catalog.ChannelsAsync(db, cancellationToken)).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(rule.Name))
        {
            problems.Add("Name must be set.");
        }
        else if ((await catalog.RulesAsync(db, cancellationToken)).Any(r => r.Name == rule.Name) || await db.NotificationRules.AnyAsync(r => r.Name == rule.Name, cancellationToken))
        {
            problems.Add($"Name '{rule.Name}' is taken.");
        }

        NotificationSettingsCheck.CheckRule(rule, channels, (field, problem) => problems.Add($"{field} {problem}"));
        if (problems.Count > 0)
        {
            return problems;
        }

        db.NotificationRules.Add(new NotificationRuleRow
        {
            Name = rule.Name!,
            Channel = rule.Channel,
            Events = string.Join(",", rule.EventTypes),
            Workflow = Blank(rule.Workflow),
            Instance = Blank(rule.Instance),
            Kind = Blank(rule.Kind),
            Submitter = Blank(rule.Submitter),
            DigestAfter = rule.DigestAfter,
            QuietHours = Blank(rule.QuietHours),
            TimeZone = Blank(rule.TimeZone),
            CreatedAt = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(new AuditEntry(AuditActor.Of(user), AuditActions.NotificationRule, AuditOutcomes.Ok, rule.Name, $"added: {string.Join(",", rule.EventTypes)} → {rule.Channel}"));
        return [];
    }

    public async Task RemoveRuleAsync(ClaimsPrincipal user, string name, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.NotificationRules.Where(r => r.Name == name && r.Owner == null).ExecuteDeleteAsync(cancellationToken) > 0)
        {
            await audit.WriteAsync(new AuditEntry(AuditActor.Of(user), AuditActions.NotificationRule, AuditOutcomes.Ok, name, "removed"));
        }
    }

    /// <summary>The newest deliveries with their tries.</summary>
    public async Task<IReadOnlyList<DeliveryView>> DeliveriesAsync(ClaimsPrincipal user, int take, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.NotificationDeliveries.AsNoTracking().OrderByDescending(d => d.Id).Take(Math.Clamp(take, 1, 500)).ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        var eventIds = rows.Select(r => r.EventId).Distinct().ToList();
        var tries = (await db.NotificationAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).OrderBy(a => a.Id).ToListAsync(cancellationToken)).ToLookup(a => a.DeliveryId);
        var events = await db.NotificationEvents.AsNoTracking().Where(e => eventIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken);
        return [.. rows.Select(r =>
        {
            var e = events.GetValueOrDefault(r.EventId);
            var title = e is null ? r.EventId : NotificationEvent.FromJson(e.Payload).Title;
            return new DeliveryView(r.Id, r.EventId, e?.Type ?? "", title, r.Channel, r.Rule, r.State, r.Attempts, r.CreatedAt, r.NextAttemptAt, r.LastResult, r.DigestId,
                [.. tries[r.Id].Select(a => new AttemptView(a.At, a.Outcome, a.StatusCode, a.Answer))]);
        })];
    }

    /// <summary>
    /// A delivered or dead delivery goes again under the same message id, with a fresh dead-letter period. A digest's
    /// row takes the whole digest with it: the digest's id is its message id, so sending one of its events alone under
    /// that id would make a receiver that dedupes drop the others when they are sent again later.
    /// </summary>
    public async Task SendAgainAsync(ClaimsPrincipal user, long deliveryId, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.NotificationDeliveries.AsNoTracking().Where(d => d.Id == deliveryId).Select(d => new { d.DigestId, d.Channel }).SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return;
        }

        var rows = row.DigestId is null
            ? db.NotificationDeliveries.Where(d => d.Id == deliveryId)
            : db.NotificationDeliveries.Where(d => d.DigestId == row.DigestId && d.Channel == row.Channel);
        var changed = await rows.Where(d => d.State != DeliveryStates.Pending).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.State, DeliveryStates.Pending)
            .SetProperty(d => d.NextAttemptAt, now)
            .SetProperty(d => d.CreatedAt, now)
            .SetProperty(d => d.FinishedAt, (DateTimeOffset?)null), cancellationToken);
        if (changed > 0)
        {
            await audit.WriteAsync(new AuditEntry(AuditActor.Of(user), AuditActions.NotificationSend, AuditOutcomes.Ok, $"delivery {deliveryId}", "sent again"));
            signal.Notify();
        }
    }

    /// <summary>A test event to one channel, through the outbox like any other (it shows in the delivery log).</summary>
    public async Task SendTestAsync(ClaimsPrincipal user, string channel, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        var now = time.GetUtcNow();
        var e = new NotificationEvent
        {
            Id = $"test:{Guid.NewGuid():N}",
            Type = NotificationEventTypes.Test,
            Subject = "channel:" + channel,
            OccurredAt = now,
            Title = $"Test message from AnimeProgress to {channel}",
            Detail = $"Sent by {user.Identity?.Name ?? "an Admin"} from the notifications page.",
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.NotificationEvents.Add(new NotificationEventRow { Id = e.Id, Type = e.Type, Subject = e.Subject, OccurredAt = now, Payload = e.ToJson() });
        db.NotificationDeliveries.Add(new NotificationDeliveryRow { EventId = e.Id, Channel = channel, Rule = "test", State = DeliveryStates.Pending, CreatedAt = now, NextAttemptAt = now });
        await db.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(new AuditEntry(AuditActor.Of(user), AuditActions.NotificationSend, AuditOutcomes.Ok, channel, "test message"));
        signal.Notify();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private async Task DemandAdminAsync(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!(await authorization.AuthorizeAsync(user, AccessPolicies.Administer)).Succeeded)
        {
            throw new UnauthorizedAccessException("Only an Admin manages notifications.");
        }
    }
}
