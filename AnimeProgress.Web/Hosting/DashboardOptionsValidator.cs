using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Hosting;

/// <summary>Start-up checks of <c>AnimeProgress:Dashboard</c>; each failure names its key.</summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var errors = new SettingErrors(DashboardOptions.Section);
        errors.Between(nameof(options.MaxRendersPerSecond), options.MaxRendersPerSecond, 0.2, 60);
        errors.Between(nameof(options.RecentFinished), options.RecentFinished, 0, 500);
        return errors.Result;
    }
}
