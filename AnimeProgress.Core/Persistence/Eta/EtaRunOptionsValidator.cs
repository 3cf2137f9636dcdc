using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Persistence.Eta;

/// <summary>Start-up checks of <c>AnimeProgress:Eta</c>; each failure names its key.</summary>
public sealed class EtaRunOptionsValidator : IValidateOptions<EtaRunOptions>
{
    public ValidateOptionsResult Validate(string? name, EtaRunOptions options)
    {
        var errors = new SettingErrors(EtaRunOptions.Section);
        errors.Between(nameof(options.MaxStoredRuns), options.MaxStoredRuns, 10, 100_000);
        errors.Between(nameof(options.MaxPendingRuns), options.MaxPendingRuns, 10, 100_000);
        errors.Between(nameof(options.FollowInterval), options.FollowInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        return errors.Result;
    }
}
