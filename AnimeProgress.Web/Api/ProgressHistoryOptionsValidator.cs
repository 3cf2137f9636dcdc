using AnimeProgress.Core.Persistence.History;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Api;

/// <summary>Start-up checks of <c>AnimeProgress:History</c>.</summary>
internal sealed class ProgressHistoryOptionsValidator : IValidateOptions<ProgressHistoryOptions>
{
    public ValidateOptionsResult Validate(string? name, ProgressHistoryOptions options)
    {
        const string s = ProgressHistoryOptions.Section;
        var errors = new List<string>();
        if (options.SampleInterval <= TimeSpan.Zero)
        {
            errors.Add($"{s}:SampleInterval must be a positive time span such as 00:00:05 (got {options.SampleInterval}).");
        }

        if (options.FlushInterval <= TimeSpan.Zero)
        {
            errors.Add($"{s}:FlushInterval must be a positive time span such as 00:00:01 (got {options.FlushInterval}).");
        }

        if (options.MaxPendingSamples < 100)
        {
            errors.Add($"{s}:MaxPendingSamples must be at least 100 (got {options.MaxPendingSamples}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
