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

        if (options.ReclaimPendingAfter < TimeSpan.FromMilliseconds(100) || options.ReclaimPendingAfter > TimeSpan.FromDays(1))
        {
            errors.Add(nameof(options.ReclaimPendingAfter), $"must be between 100 ms and 1 day (got {options.ReclaimPendingAfter}).");
        }

        if (options.MaxPriority is < 1 or > 1_000_000)
        {
            errors.Add(nameof(options.MaxPriority), $"must be between 1 and 1000000 (got {options.MaxPriority}).");
        }

        foreach (var (key, priority) in options.WorkflowPriorities)
        {
            if (!DefaultPriority.IsWorkflowKeyPrefix(key))
            {
                errors.Add($"{nameof(options.WorkflowPriorities)}:{key}", "must name a workflow by its key as the history shows it: 8 to 16 hex characters.");
            }

            InRange($"{nameof(options.WorkflowPriorities)}:{key}", priority);
        }

        foreach (var (submitter, priority) in options.SubmitterPriorities)
        {
            InRange($"{nameof(options.SubmitterPriorities)}:{submitter}", priority);
        }

        return errors.Result;

        void InRange(string key, int priority)
        {
            if (Math.Abs((long)priority) > options.MaxPriority)
            {
                errors.Add(key, $"must be a priority from {-options.MaxPriority} to {options.MaxPriority} (got {priority}).");
            }
        }
    }
}
