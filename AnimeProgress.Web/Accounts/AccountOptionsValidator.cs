using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Accounts;

/// <summary>Start-up checks of <c>AnimeProgress:Accounts</c>; each failure names its key.</summary>
internal sealed class AccountOptionsValidator : IValidateOptions<AccountOptions>
{
    public ValidateOptionsResult Validate(string? name, AccountOptions options)
    {
        var errors = new SettingErrors(AccountOptions.Section);
        errors.Between(nameof(options.MaxFailedSignIns), options.MaxFailedSignIns, 1, 100);
        errors.Between(nameof(options.LockoutDuration), options.LockoutDuration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30));
        errors.Between(nameof(options.MinPasswordLength), options.MinPasswordLength, 8, 128);
        errors.Between(nameof(options.SessionLifetime), options.SessionLifetime, TimeSpan.FromMinutes(1), TimeSpan.FromDays(90));
        // Above 30 s an open page would outlive the promise made to Admins (issue 14: changes take effect within 30 s).
        errors.Between(nameof(options.RevalidationInterval), options.RevalidationInterval, TimeSpan.FromMilliseconds(100), AccountOptions.MaxRevalidationInterval);
        return errors.Result;
    }
}
