using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Queue;

/// <summary>Start-up checks of <c>AnimeProgress:Queue</c>; each failure names its key.</summary>
public sealed class QueueOptionsValidator : IValidateOptions<QueueOptions>
{
    public ValidateOptionsResult Validate(string? name, QueueOptions options)
    {
        var errors = new SettingErrors(QueueOptions.Section);
        if (options.PollInterval < TimeSpan.FromMilliseconds(5) || options.PollInterval > TimeSpan.FromSeconds(5))
        {
            errors.Add(nameof(options.PollInterval), $"must be between 5 ms and 5 s (got {options.PollInterval}).");
        }

        if (options.RereadInterval < options.PollInterval || options.RereadInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add(nameof(options.RereadInterval), $"must be between PollInterval and 1 minute (got {options.RereadInterval}).");
        }

        if (options.RetryDelay <= TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            errors.Add(nameof(options.RetryDelay), $"must be between 0 and 1 minute (got {options.RetryDelay}).");
        }

        if (options.MaxPriority is < 1 or > 1_000_000)
        {
            errors.Add(nameof(options.MaxPriority), $"must be between 1 and 1000000 (got {options.MaxPriority}).");
        }

        return errors.Result;
    }
}
