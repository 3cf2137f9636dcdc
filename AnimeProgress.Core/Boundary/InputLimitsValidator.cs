using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Boundary;

/// <summary>Start-up checks of <c>AnimeProgress:Limits</c>: each cap must leave room for text and fit its database column.</summary>
public sealed class InputLimitsValidator : IValidateOptions<InputLimits>
{
    public ValidateOptionsResult Validate(string? name, InputLimits options)
    {
        var errors = new SettingErrors(InputLimits.Section);
        errors.Between(nameof(options.MaxTitleLength), options.MaxTitleLength, 40, 500);
        errors.Between(nameof(options.MaxErrorLength), options.MaxErrorLength, 80, 100_000);
        errors.Between(nameof(options.MaxNameLength), options.MaxNameLength, 16, 128);
        errors.Between(nameof(options.MaxPromptIdLength), options.MaxPromptIdLength, 36, 64);
        return errors.Result;
    }
}
