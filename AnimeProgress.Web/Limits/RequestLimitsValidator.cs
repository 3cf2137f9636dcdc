using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Limits;

/// <summary>Start-up checks of <c>AnimeProgress:Limits:Requests</c>; each failure names its key.</summary>
internal sealed class RequestLimitsValidator : IValidateOptions<RequestLimits>
{
    private const long MaxBodyBytes = 256L * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, RequestLimits options)
    {
        var errors = new SettingErrors(RequestLimits.Section);
        if (options.MaxSubmissionBodyBytes < 1024 || options.MaxSubmissionBodyBytes > MaxBodyBytes)
        {
            errors.Add(nameof(options.MaxSubmissionBodyBytes), $"must be between 1024 and {MaxBodyBytes} bytes (got {options.MaxSubmissionBodyBytes}).");
        }

        errors.Between(nameof(options.ApiPermitsPerWindow), options.ApiPermitsPerWindow, 1, 1_000_000);
        errors.Between(nameof(options.SubmissionPermitsPerWindow), options.SubmissionPermitsPerWindow, 1, 1_000_000);
        errors.Between(nameof(options.ApiWindow), options.ApiWindow, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        errors.Between(nameof(options.SubmissionWindow), options.SubmissionWindow, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        errors.Between(nameof(options.SignInPermitsPerWindow), options.SignInPermitsPerWindow, 1, 1_000_000);
        errors.Between(nameof(options.SignInWindow), options.SignInWindow, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24));
        errors.Between(nameof(options.MaxSocketsPerClient), options.MaxSocketsPerClient, 1, 100_000);
        errors.Between(nameof(options.MaxCircuitsPerClient), options.MaxCircuitsPerClient, 1, 100_000);
        return errors.Result;
    }
}
