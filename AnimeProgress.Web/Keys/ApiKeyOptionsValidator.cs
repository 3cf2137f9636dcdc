using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Keys;

/// <summary>Start-up checks of <c>AnimeProgress:Keys</c>; each failure names its key.</summary>
internal sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        var errors = new SettingErrors(ApiKeyOptions.Section);
        // Above 30 s a revoked key would outlive the promise made to Admins (issue 14: changes take effect within 30 s).
        errors.Between(nameof(options.CacheDuration), options.CacheDuration, TimeSpan.Zero, ApiKeyOptions.MaxCacheDuration);
        return errors.Result;
    }
}
