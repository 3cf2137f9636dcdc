using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Cluster;

/// <summary>Start-up checks of <c>AnimeProgress:Cluster</c>; each failure names its key.</summary>
public sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        var errors = new SettingErrors(ClusterOptions.Section);
        if (options.LeaseCheckInterval <= TimeSpan.Zero || options.LeaseCheckInterval > TimeSpan.FromSeconds(5))
        {
            errors.Add(nameof(options.LeaseCheckInterval), $"must be between 0 and 5 seconds (another node must take over within 10 s; got {options.LeaseCheckInterval}).");
        }

        return errors.Result;
    }
}
