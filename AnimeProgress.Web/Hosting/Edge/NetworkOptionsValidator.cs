using System.Net;
using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Hosting.Edge;

/// <summary>Start-up checks of <c>AnimeProgress:Network</c>; each failure names its key.</summary>
internal sealed class NetworkOptionsValidator : IValidateOptions<NetworkOptions>
{
    public ValidateOptionsResult Validate(string? name, NetworkOptions options)
    {
        var errors = new SettingErrors(NetworkOptions.Section);
        for (var i = 0; i < options.PublicOrigins.Count; i++)
        {
            if (PublicOrigins.Parse(options.PublicOrigins[i]) is null)
            {
                errors.Add($"PublicOrigins:{i}", $"must be an origin such as https://progress.studio.example (http or https, host, optional port; no path) (got '{options.PublicOrigins[i]}').");
            }
        }

        for (var i = 0; i < options.TrustedProxies.Count; i++)
        {
            if (TrustedProxy.Parse(options.TrustedProxies[i]) is null)
            {
                errors.Add($"TrustedProxies:{i}", $"must be an IP address (10.0.0.5) or a network in CIDR form (10.0.0.0/24) (got '{options.TrustedProxies[i]}').");
            }
        }

        errors.Between(nameof(options.HstsMaxAge), options.HstsMaxAge, TimeSpan.Zero, TimeSpan.FromDays(2 * 365));
        return errors.Result;
    }
}
