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
        return errors.Result;
    }
}
