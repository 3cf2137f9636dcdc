using AnimeProgress.Core.Resilience;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.ComfyUi.Loops;

/// <summary>
/// Runs one instance's loops side by side. A loop that throws unexpectedly is logged once (with the
/// instance and loop names) and restarted after a backoff, so no exception from one instance ever
/// reaches the host or stops its other loops.
/// </summary>
internal sealed partial class InstanceSupervisor(
    string instance, IReadOnlyList<IInstanceLoop> loops, ReconnectBackoff backoff, TimeProvider time, ILogger logger)
{
    // A loop that ran this long before failing was healthy: its backoff starts over.
    private static readonly TimeSpan HealthyRun = TimeSpan.FromMinutes(1);

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(loops.Select(loop => SuperviseAsync(loop, cancellationToken)));

    private async Task SuperviseAsync(IInstanceLoop loop, CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            try
            {
                await loop.RunAsync(cancellationToken);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                if (time.GetElapsedTime(started) > HealthyRun)
                {
                    attempt = 0;
                }

                var delay = backoff.DelayFor(attempt++);
                LogLoopFailed(ex, instance, loop.Name, attempt, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "ComfyUI {Instance}: the {Loop} loop failed (failure {Attempt}); restarting it in {DelaySeconds:0.0} s")]
    private partial void LogLoopFailed(Exception ex, string instance, string loop, int attempt, double delaySeconds);
}
