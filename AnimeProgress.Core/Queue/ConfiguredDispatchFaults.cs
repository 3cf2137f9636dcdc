using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Queue;

/// <summary>
/// The production seam: does nothing, unless <see cref="QueueOptions.HoldAfterStep"/> is set for a process-kill test;
/// then the first dispatch stops for good after that step and says so in the log, for the test to kill the process there.
/// </summary>
public sealed partial class ConfiguredDispatchFaults(IOptions<QueueOptions> options, ILogger<ConfiguredDispatchFaults> logger) : IDispatchFaults
{
    public async ValueTask AfterAsync(DispatchStep step, long jobId, CancellationToken cancellationToken)
    {
        if (options.Value.HoldAfterStep != step)
        {
            return;
        }

        LogHolding(jobId, step);
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Dispatch of job {JobId} holds after step {Step} (AnimeProgress:Queue:HoldAfterStep is set: a fault-injection test)")]
    private partial void LogHolding(long jobId, DispatchStep step);
}
