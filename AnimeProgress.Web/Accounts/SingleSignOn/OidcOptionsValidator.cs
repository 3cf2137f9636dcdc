using System.Net;
using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Accounts.SingleSignOn;

/// <summary>Start-up checks of <c>AnimeProgress:Accounts:Oidc</c>; each failure names its key.</summary>
internal sealed class OidcOptionsValidator : IValidateOptions<OidcOptions>
{
    public ValidateOptionsResult Validate(string? name, OidcOptions options)
    {
        var errors = new SettingErrors(OidcOptions.Section);
        if (!options.Enabled)
        {
            // Half a configuration is a mistake, not "off": say which key is missing.
            if (!string.IsNullOrWhiteSpace(options.ClientId) || !string.IsNullOrWhiteSpace(options.ClientSecret) || options.Roles.Count > 0)
            {
                errors.Add(nameof(options.Authority), "must be set (the provider's issuer URL, e.g. https://sso.studio.example/realms/studio) when the other single sign-on settings are.");
            }

            return errors.Result;
        }

        CheckAuthority(errors, options);
        errors.NotEmpty(nameof(options.ClientId), options.ClientId);
        if (!options.ScopesAskedFor.Contains("openid", StringComparer.Ordinal))
        {
            errors.Add(nameof(options.Scopes), $"must include openid (got '{string.Join(" ", options.Scopes)}').");
        }

        errors.NotEmpty(nameof(options.RoleClaim), options.RoleClaim);
        errors.NotEmpty(nameof(options.DisplayName), options.DisplayName);
        foreach (var (value, role) in options.Roles)
        {
            if (AppRoles.Parse(role) is null)
            {
                errors.Add($"{nameof(options.Roles)}:{value}", $"must be one of {string.Join(", ", AppRoles.All)} (got '{role}').");
            }
        }

        return errors.Result;
    }

    private static void CheckAuthority(SettingErrors errors, OidcOptions options)
    {
        if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http") || authority.Query.Length > 0 || authority.Fragment.Length > 0)
        {
            errors.Add(nameof(options.Authority), $"must be the provider's issuer URL, e.g. https://sso.studio.example/realms/studio (got '{options.Authority}').");
            return;
        }

        if (authority.Scheme == "http" && options.RequireHttpsMetadata && !IsLoopback(authority))
        {
            errors.Add(nameof(options.Authority), $"must use https (got '{options.Authority}'): sign-ins would travel in the clear. Only a provider on this machine may use http, or set {errors.Key(nameof(options.RequireHttpsMetadata))} to false.");
        }
    }

    /// <summary>A provider on this machine: tokens and the discovery document never cross the network.</summary>
    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
