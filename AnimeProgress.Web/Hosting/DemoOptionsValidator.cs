using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Hosting;

/// <summary>Start-up checks of <c>AnimeProgress:Demo</c> (checked whether or not the demo runs); each failure names its key.</summary>
internal sealed class DemoOptionsValidator : IValidateOptions<DemoOptions>
{
    public ValidateOptionsResult Validate(string? name, DemoOptions options)
    {
        var errors = new SettingErrors(DemoOptions.Section);
        errors.NotEmpty(nameof(options.InstanceName), options.InstanceName);
        errors.Between(nameof(options.Instances), options.Instances, 0, 8);
        errors.Above(nameof(options.TimeScale), options.TimeScale, 0, 100);
        errors.Positive(nameof(options.SubmitInterval), options.SubmitInterval, "00:00:04");
        errors.Between(nameof(options.MaxActiveJobs), options.MaxActiveJobs, 1, 1000);
        errors.Between(nameof(options.FailureRate), options.FailureRate, 0, 1);
        return errors.Result;
    }
}
