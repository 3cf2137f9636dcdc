using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Persistence.History;

/// <summary>Start-up checks of <c>AnimeProgress:History</c>; each failure names its key.</summary>
public sealed class ProgressHistoryOptionsValidator : IValidateOptions<ProgressHistoryOptions>
{
    public ValidateOptionsResult Validate(string? name, ProgressHistoryOptions options)
    {
        var errors = new SettingErrors(ProgressHistoryOptions.Section);
        errors.Positive(nameof(options.SampleInterval), options.SampleInterval, "00:00:05");
        errors.Positive(nameof(options.FlushInterval), options.FlushInterval, "00:00:01");
        errors.AtLeast(nameof(options.MaxPendingSamples), options.MaxPendingSamples, 100);
        errors.NotNegative(nameof(options.FullDetailFor), options.FullDetailFor);
        errors.Positive(nameof(options.ThinnedInterval), options.ThinnedInterval, "00:01:00");
        if (options.ThinnedInterval > TimeSpan.Zero && options.ThinnedInterval < options.SampleInterval)
        {
            errors.Add(nameof(options.ThinnedInterval), $"must be at least SampleInterval ({options.SampleInterval}): thinning keeps fewer samples, not more (got {options.ThinnedInterval}).");
        }

        errors.NotNegative(nameof(options.KeepFor), options.KeepFor);
        if (options.KeepFor > TimeSpan.Zero && options.KeepFor <= options.FullDetailFor)
        {
            errors.Add(nameof(options.KeepFor), $"must be longer than FullDetailFor ({options.FullDetailFor}), or 0 to keep samples for ever (got {options.KeepFor}).");
        }

        errors.Positive(nameof(options.RetentionInterval), options.RetentionInterval, "01:00:00");
        errors.Between(nameof(options.RetentionBatchSize), options.RetentionBatchSize, 10, 10_000);
        return errors.Result;
    }
}
