using AnimeProgress.Core.Settings;
using AnimeProgress.Web.Hosting.Edge;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Accounts.WallScreens;

/// <summary>Start-up checks of <c>AnimeProgress:Access</c>; each failure names its key.</summary>
internal sealed class AccessOptionsValidator : IValidateOptions<AccessOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessOptions options)
    {
        var errors = new SettingErrors(AccessOptions.Section);
        if (!string.IsNullOrWhiteSpace(options.AnonymousRole))
        {
            var role = AppRoles.Parse(options.AnonymousRole);
            if (role is AppRoles.Operator or AppRoles.Admin)
            {
                errors.Add(nameof(options.AnonymousRole), $"may only be {AppRoles.Viewer} (got '{options.AnonymousRole}'): a browser nobody signed in to must never act on jobs or manage the app. Give people who act an account.");
            }
            else if (role is null)
            {
                errors.Add(nameof(options.AnonymousRole), $"must be {AppRoles.Viewer}, or empty for no access without signing in (got '{options.AnonymousRole}').");
            }
        }
        else if (options.AnonymousNetworks.Count > 0)
        {
            errors.Add(nameof(options.AnonymousRole), $"must be {AppRoles.Viewer} when {errors.Key(nameof(options.AnonymousNetworks))} is set (the networks say where wall screens are; the role turns them on).");
        }

        for (var i = 0; i < options.AnonymousNetworks.Count; i++)
        {
            if (TrustedProxy.Parse(options.AnonymousNetworks[i]) is null)
            {
                errors.Add($"{nameof(options.AnonymousNetworks)}:{i}", $"must be a network in CIDR form (10.20.0.0/24) or an IP address (got '{options.AnonymousNetworks[i]}').");
            }
        }

        return errors.Result;
    }
}
