using AnimeProgress.Core.Notifications;
using AnimeProgress.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Notifications;

/// <summary>
/// Where a person's own "my jobs" e-mail goes and through which server. The address is always the account's own e-mail
/// (read from the account when each message is sent, so a changed or removed address is followed and nobody can make
/// the app mail an address of their choosing); the server is the studio's Email channel an Admin names in
/// <c>AnimeProgress:Notifications:PersonalEmailChannel</c> (its SMTP settings and From; its To list is not used). A
/// personal e-mail channel stores neither: it is a marker with an owner, completed here.
/// </summary>
public sealed class PersonalEmail(NotificationCatalog catalog, IOptions<NotificationOptions> options)
{
    public const string NoServer =
        "E-mail is not available yet: an Admin must name the studio's e-mail channel (AnimeProgress:Notifications:PersonalEmailChannel) first. A personal webhook works meanwhile.";

    public const string NoAddress =
        "Your account has no e-mail address. An Admin sets it on the server (users email NAME ADDRESS); a single sign-on account takes it from the provider when it signs in.";

    /// <summary>Whether the channel is a person's own e-mail channel, completed by <see cref="CompleteAsync"/>.</summary>
    public static bool IsPersonal(ChannelOptions channel) => channel.Owner is not null && channel.ParsedType == ChannelType.Email;

    /// <summary>The studio's e-mail channel personal e-mail goes through, or null when none is named (or it is not an e-mail channel).</summary>
    public async Task<ChannelOptions?> ServerAsync(AnimeProgressDbContext db, CancellationToken cancellationToken)
    {
        if (options.Value.PersonalEmailChannel is not { Length: > 0 } name)
        {
            return null;
        }

        var channels = await catalog.ChannelsAsync(db, cancellationToken);
        return channels.FirstOrDefault(c => c.Name == name && c.Owner is null && c.ParsedType == ChannelType.Email);
    }

    /// <summary>The e-mail address of the account named <paramref name="owner"/>; null when it has none.</summary>
    public static async Task<string?> AddressAsync(AnimeProgressDbContext db, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(owner);
        // Identity's default normalizer: upper case, invariant.
        var normalized = owner.ToUpperInvariant();
        var address = await db.Users.AsNoTracking().Where(u => u.NormalizedUserName == normalized).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken);
        // One address only: the sender splits a list at commas and semicolons.
        return string.IsNullOrWhiteSpace(address) || address.IndexOfAny([',', ';']) >= 0 ? null : address.Trim();
    }

    /// <summary>
    /// Every channel as it is sent: each personal e-mail channel with the studio server's settings and its owner's
    /// current address; those that cannot be sent now are left out of the list and named with the reason.
    /// </summary>
    public async Task<(IReadOnlyList<ChannelOptions> Channels, IReadOnlyDictionary<string, string> Unavailable)> CompleteAsync(
        IReadOnlyList<ChannelOptions> channels, AnimeProgressDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (!channels.Any(IsPersonal))
        {
            return (channels, new Dictionary<string, string>());
        }

        var server = await ServerAsync(db, cancellationToken);
        var unavailable = new Dictionary<string, string>(StringComparer.Ordinal);
        var completed = new List<ChannelOptions>(channels.Count);
        foreach (var channel in channels)
        {
            if (!IsPersonal(channel))
            {
                completed.Add(channel);
            }
            else if (server is null)
            {
                unavailable[channel.Name] = "no studio e-mail channel is named for personal e-mail (AnimeProgress:Notifications:PersonalEmailChannel)";
            }
            else if (await AddressAsync(db, channel.Owner!, cancellationToken) is not { } address)
            {
                unavailable[channel.Name] = $"the account '{channel.Owner}' has no e-mail address";
            }
            else
            {
                completed.Add(Through(server, channel, address));
            }
        }

        return (completed, unavailable);
    }

    /// <summary>The studio server's settings (secrets as stored; the sender reveals them), the person's address.</summary>
    private static ChannelOptions Through(ChannelOptions server, ChannelOptions personal, string address) => new()
    {
        Name = personal.Name,
        Type = nameof(ChannelType.Email),
        SmtpHost = server.SmtpHost,
        SmtpPort = server.SmtpPort,
        SmtpSecurity = server.SmtpSecurity,
        SmtpUser = server.SmtpUser,
        SmtpPassword = server.SmtpPassword,
        From = server.From,
        To = address,
        Owner = personal.Owner,
        FromConfiguration = server.FromConfiguration,
    };
}
