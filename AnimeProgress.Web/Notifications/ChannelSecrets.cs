using AnimeProgress.Core.Notifications;
using Microsoft.AspNetCore.DataProtection;

namespace AnimeProgress.Web.Notifications;

/// <summary>
/// Stored channels keep their URL, signing secret and SMTP password encrypted with the app's Data Protection keys (shared
/// by the nodes through the database); the page shows only a masked form. Configured channels' secrets come from
/// configuration (environment variables or user secrets) and are never stored.
/// </summary>
public sealed class ChannelSecrets(IDataProtectionProvider provider)
{
    private const string Marker = "dp:";
    private readonly IDataProtector _protector = provider.CreateProtector("AnimeProgress.Notifications.ChannelSecrets.v1");

    public string? Protect(string? value) => string.IsNullOrEmpty(value) ? value : Marker + _protector.Protect(value);

    public string? Reveal(string? value) => value is not null && value.StartsWith(Marker, StringComparison.Ordinal) ? _protector.Unprotect(value[Marker.Length..]) : value;

    /// <summary>The channel with its secrets readable, for the sender only.</summary>
    public ChannelOptions Revealed(ChannelOptions channel) => channel.FromConfiguration ? channel : new ChannelOptions
    {
        Name = channel.Name,
        Type = channel.Type,
        Url = Reveal(channel.Url),
        Secret = Reveal(channel.Secret),
        SmtpHost = channel.SmtpHost,
        SmtpPort = channel.SmtpPort,
        SmtpSecurity = channel.SmtpSecurity,
        SmtpUser = channel.SmtpUser,
        SmtpPassword = Reveal(channel.SmtpPassword),
        From = channel.From,
        To = channel.To,
        Owner = channel.Owner,
    };

    /// <summary>What the page shows of a URL: its scheme and host; the path (where chat webhooks keep their token) never.</summary>
    public string Mask(string? url)
    {
        var plain = Reveal(url);
        return Uri.TryCreate(plain, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/…" : plain is null ? "" : "…";
    }
}
