using System.Security.Claims;
using AnimeProgress.Core.Notifications;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Notifications;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Accounts.WallScreens;
using AnimeProgress.Web.Audit;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Notifications;

/// <summary>
/// "My jobs" subscriptions, checked here on the server for the person who asks: any signed-in account (not the first
/// start's machine access, not a wall screen) adds a personal webhook that receives events about the jobs it submitted,
/// lists and removes its own, and never sees or touches anyone else's. Each is a channel and a rule that carry the
/// account's name as owner; the rule matches only job events whose submitter is that name (<see cref="RuleMatch"/>).
/// The URL is checked like an Admin's channel (the same allow-list at send time) and stored encrypted. An e-mail
/// subscription goes to the account's own address through the studio's SMTP server (<see cref="PersonalEmail"/>).
/// </summary>
public sealed class MyJobNotifications(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    DestinationPolicy destinations,
    ChannelSecrets secrets,
    PersonalEmail personalEmail,
    OutboxSignal signal,
    AuditLog audit,
    TimeProvider time)
{
    /// <summary>A person's own subscriptions are few; more is a mistake or abuse.</summary>
    public const int MaxPerAccount = 5;

    /// <summary>The events about one's own jobs a person may subscribe to.</summary>
    public static IReadOnlyList<string> Events { get; } =
    [
        NotificationEventTypes.JobCompleted, NotificationEventTypes.JobFailed, NotificationEventTypes.JobCancelled,
        NotificationEventTypes.JobLost, NotificationEventTypes.JobStalled, NotificationEventTypes.JobOverdue,
    ];

    public async Task<IReadOnlyList<MySubscriptionView>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var owner = Owner(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rules = await db.NotificationRules.AsNoTracking().Where(r => r.Owner == owner).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        var channels = await db.NotificationChannels.AsNoTracking().Where(c => c.Owner == owner).ToDictionaryAsync(c => c.Name, cancellationToken);
        var address = channels.Values.Any(c => c.Type == nameof(ChannelType.Email)) ? await PersonalEmail.AddressAsync(db, owner, cancellationToken) : null;
        return [.. rules.Select(r => new MySubscriptionView(
            r.Name,
            r.Events.Replace(",", ", ", StringComparison.Ordinal),
            !channels.TryGetValue(r.Channel, out var c) ? ""
                : c.Type == nameof(ChannelType.Email) ? "e-mail to " + (address ?? "(your account has no e-mail address now)")
                : secrets.Mask(secrets.Revealed(NotificationCatalog.ToOptions(c)).Url)))];
    }

    /// <summary>Whether this person can subscribe by e-mail now: the address it would go to, or the sentence saying why not.</summary>
    public async Task<(string? Address, string? Unavailable)> EmailAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var owner = Owner(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await personalEmail.ServerAsync(db, cancellationToken) is null)
        {
            return (null, PersonalEmail.NoServer);
        }

        return await PersonalEmail.AddressAsync(db, owner, cancellationToken) is { } address ? (address, null) : (null, PersonalEmail.NoAddress);
    }

    /// <returns>What is wrong (empty when stored) and the webhook's signing secret, shown to the person once.</returns>
    public async Task<(IReadOnlyList<string> Problems, string? Secret)> SubscribeWebhookAsync(
        ClaimsPrincipal user, string? url, IReadOnlyList<string> events, CancellationToken cancellationToken)
    {
        var owner = Owner(user);
        var (types, problems) = Checked(events);
        var secret = WebhookSecret.Create();
        // The owner is a column of its own; the name only has to be unique.
        var name = $"my-{Guid.NewGuid():N}";
        var channel = new ChannelOptions { Name = name, Type = nameof(ChannelType.Webhook), Url = url?.Trim(), Secret = secret, Owner = owner };
        NotificationSettingsCheck.CheckChannel(channel, destinations, (field, problem) => problems.Add($"{field} {problem}"));
        var stored = await StoreAsync(user, owner, problems, types, new NotificationChannelRow
        {
            Name = name,
            Type = nameof(ChannelType.Webhook),
            Url = secrets.Protect(channel.Url),
            Secret = secrets.Protect(secret),
            Owner = owner,
        }, "webhook", cancellationToken);
        return (problems, stored ? secret : null);
    }

    /// <summary>
    /// Subscribes the person's own e-mail address. Nothing is stored when the studio has no e-mail server named for
    /// this or the account has no address (the problem is the sentence the page shows).
    /// </summary>
    /// <returns>What is wrong; empty when stored.</returns>
    public async Task<IReadOnlyList<string>> SubscribeEmailAsync(ClaimsPrincipal user, IReadOnlyList<string> events, CancellationToken cancellationToken)
    {
        var owner = Owner(user);
        var (types, problems) = Checked(events);
        var (address, unavailable) = await EmailAsync(user, cancellationToken);
        if (unavailable is not null)
        {
            problems.Insert(0, unavailable);
        }

        // No address or server is stored: both are looked up when each message is sent.
        await StoreAsync(user, owner, problems, types, new NotificationChannelRow { Name = $"my-{Guid.NewGuid():N}", Type = nameof(ChannelType.Email), Owner = owner }, $"e-mail to {address}", cancellationToken);
        return problems;
    }

    /// <summary>Removes one of the person's own subscriptions; another's name changes nothing. What is pending for it is given up.</summary>
    public async Task RemoveAsync(ClaimsPrincipal user, string name, CancellationToken cancellationToken)
    {
        var owner = Owner(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var removed = await db.NotificationRules.Where(r => r.Name == name && r.Owner == owner).ExecuteDeleteAsync(cancellationToken);
        await db.NotificationChannels.Where(c => c.Name == name && c.Owner == owner).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (removed > 0)
        {
            await audit.WriteAsync(new AuditEntry(AuditActor.Of(user), AuditActions.NotificationRule, AuditOutcomes.Ok, name, "unsubscribed"));
            // The sender finds the channel gone and gives up what waited for it.
            signal.Notify();
        }
    }

    /// <summary>The event types asked for, and what is wrong with them.</summary>
    private static (List<string> Types, List<string> Problems) Checked(IReadOnlyList<string> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var problems = new List<string>();
        var types = events.SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal).ToList();
        if (types.Count == 0)
        {
            problems.Add("Choose at least one event.");
        }

        problems.AddRange(types.Where(t => !Events.Contains(t)).Select(t => $"'{t}' is not an event about your jobs ({string.Join(", ", Events)})."));
        return (types, problems);
    }

    /// <summary>Stores the channel and its "my jobs" rule and audits it, unless there are problems or the person has <see cref="MaxPerAccount"/> already.</summary>
    private async Task<bool> StoreAsync(
        ClaimsPrincipal user, string owner, List<string> problems, List<string> types, NotificationChannelRow channel, string destination, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.NotificationRules.CountAsync(r => r.Owner == owner, cancellationToken) >= MaxPerAccount)
        {
            problems.Add($"You have {MaxPerAccount} subscriptions already; remove one first.");
        }

        if (problems.Count > 0)
        {
            return false;
        }

        var now = time.GetUtcNow();
        channel.CreatedAt = now;
        db.NotificationChannels.Add(channel);
        db.NotificationRules.Add(new NotificationRuleRow { Name = channel.Name, Channel = channel.Name, Events = string.Join(",", types), Owner = owner, CreatedAt = now });
        await db.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(new AuditEntry(AuditActor.Of(user), AuditActions.NotificationRule, AuditOutcomes.Ok, channel.Name, $"subscribed to own jobs: {string.Join(",", types)} → {destination}"));
        return true;
    }

    /// <summary>The account's name, which jobs it submits carry; refused for anyone without an account of their own.</summary>
    private static string Owner(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity is not { IsAuthenticated: true, Name: { Length: > 0 } name } || FirstStartAccess.IsFirstStart(user) || WallScreenAccess.IsWallScreen(user))
        {
            throw new UnauthorizedAccessException("Sign in with your own account to subscribe to your jobs.");
        }

        return name;
    }
}
