using System.Globalization;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Notifications;

/// <summary>
/// Every channel and rule in force: those declared in configuration (read-only, named <c>rule-N</c> when unnamed) and
/// those stored in <c>notification_channels</c>/<c>notification_rules</c> from the page. Read per use from the database
/// (tiny tables), so a rule saved on one node applies on the leader at once.
/// </summary>
public sealed class NotificationCatalog
{
    public NotificationCatalog(IOptions<NotificationOptions> options)
    {
        var value = options.Value;
        ConfiguredChannels = [.. value.Channels.Select(c => { c.FromConfiguration = true; return c; })];
        ConfiguredRules = [.. value.Rules.Select((r, i) =>
        {
            r.Name = string.IsNullOrWhiteSpace(r.Name) ? "rule-" + i.ToString(CultureInfo.InvariantCulture) : r.Name;
            r.FromConfiguration = true;
            return r;
        })];
    }

    public IReadOnlyList<ChannelOptions> ConfiguredChannels { get; }

    public IReadOnlyList<RuleOptions> ConfiguredRules { get; }

    public async Task<IReadOnlyList<ChannelOptions>> ChannelsAsync(AnimeProgressDbContext db, CancellationToken cancellationToken)
    {
        var stored = await db.NotificationChannels.AsNoTracking().OrderBy(c => c.Id).ToListAsync(cancellationToken);
        return [.. ConfiguredChannels, .. stored.Where(s => ConfiguredChannels.All(c => c.Name != s.Name)).Select(ToOptions)];
    }

    public async Task<IReadOnlyList<RuleOptions>> RulesAsync(AnimeProgressDbContext db, CancellationToken cancellationToken)
    {
        var stored = await db.NotificationRules.AsNoTracking().Where(r => r.Enabled).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        return [.. ConfiguredRules, .. stored.Where(s => ConfiguredRules.All(c => c.Name != s.Name)).Select(ToOptions)];
    }

    public static ChannelOptions ToOptions(NotificationChannelRow row) => new()
    {
        Name = row.Name,
        Type = row.Type,
        Url = row.Url,
        Secret = row.Secret,
        SmtpHost = row.SmtpHost,
        SmtpPort = row.SmtpPort,
        SmtpSecurity = row.SmtpUseTls ? SmtpSecurity.Auto : SmtpSecurity.None,
        SmtpUser = row.SmtpUser,
        SmtpPassword = row.SmtpPassword,
        From = row.From,
        To = row.To,
        Owner = row.Owner,
    };

    public static RuleOptions ToOptions(NotificationRuleRow row) => new()
    {
        Name = row.Name,
        Channel = row.Channel,
        Events = [row.Events],
        Workflow = row.Workflow,
        Instance = row.Instance,
        Kind = row.Kind,
        Submitter = row.Submitter,
        Owner = row.Owner,
        DigestAfter = row.DigestAfter,
        QuietHours = row.QuietHours,
        TimeZone = row.TimeZone,
    };
}
