using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Tracking;

/// <summary>Start-up checks of <c>AnimeProgress:Tracking</c>; each failure names its key.</summary>
public sealed class TrackerOptionsValidator : IValidateOptions<TrackerOptions>
{
    public ValidateOptionsResult Validate(string? name, TrackerOptions options)
    {
        var errors = new SettingErrors(TrackerOptions.Section);
        errors.Positive(nameof(options.TickInterval), options.TickInterval, "00:00:01");
        errors.Positive(nameof(options.FinishedRetention), options.FinishedRetention, "1.00:00:00");
        errors.Between(nameof(options.MaxFinishedRetained), options.MaxFinishedRetained, 0, 100_000);
        errors.Positive(nameof(options.StallAfter), options.StallAfter, "00:02:00");
        errors.NotNegative(nameof(options.PreviewInterval), options.PreviewInterval);
        // The ComfyUI readers wait on a full queue; it must hold at least a burst of events.
        errors.Between(nameof(options.QueueCapacity), options.QueueCapacity, 100, 10_000_000);
        // Each followed job costs about a kilobyte and a share of every reconcile (docs/benchmarks.md).
        errors.Between(nameof(options.MaxActiveJobsPerInstance), options.MaxActiveJobsPerInstance, 1, 1_000_000);
        return errors.Result;
    }
}
