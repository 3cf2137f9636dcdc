using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Relay;

/// <summary>Start-up checks of <c>AnimeProgress:Relay</c>; each failure names its key.</summary>
internal sealed class RelayOptionsValidator : IValidateOptions<RelayOptions>
{
    public ValidateOptionsResult Validate(string? name, RelayOptions options)
    {
        var errors = new SettingErrors(RelayOptions.Section);
        errors.Between(nameof(options.ClientBufferBytes), options.ClientBufferBytes, 64 * 1024, 4L * 1024 * 1024 * 1024);
        errors.Between(nameof(options.MaxPromptBytes), options.MaxPromptBytes, 1024, 1024L * 1024 * 1024);
        errors.Between(nameof(options.MaxUploadBytes), options.MaxUploadBytes, 1024, 64L * 1024 * 1024 * 1024);
        if (options.Port is { } port && port is < 0 or > 65535)
        {
            errors.Add(nameof(options.Port), $"must be a TCP port from 1 to 65535 (0: any free one), other than the dashboard's, or unset for no relay port (got {port}).");
        }

        return errors.Result;
    }
}
