using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Audit;

/// <summary>Start-up checks of <c>AnimeProgress:Audit</c>; each failure names its key.</summary>
internal sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        var errors = new SettingErrors(AuditOptions.Section);
        errors.Between(nameof(options.BufferSize), options.BufferSize, 16, 1_000_000);
        errors.Between(nameof(options.MaxWait), options.MaxWait, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        return errors.Result;
    }
}
