using AnimeProgress.Core.Resilience;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.ComfyUi.Loops;

/// <summary>
/// Runs one instance's loops side by side. A loop that throws anything (bar running out of memory) is logged once
/// (with the instance and loop names) and restarted after a backoff, so no exception from one instance ever
/// reaches the host or stops its other loops. While a loop is failing the instance is reported degraded, with
/// the reason in plain words; once the restarted loop has run <c>healthyAfter</c> without failing, it is reported
/// recovered and its backoff starts over.
/// </summary>
internal sealed partial class InstanceSupervisor(
    string instance,
    IReadOnlyList<IInstanceLoop> loops,
    ReconnectBackoff backoff,
    TimeProvider time,
    ILogger logger,
    Func<string?, CancellationToken, ValueTask>? reportHealth = null,
    TimeSpan? healthyAfter = null)
{
    private readonly TimeSpan _healthyAfter = healthyAfter ?? TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, string> _failing = new(StringComparer.Ordinal);
    private readonly HashSet<string> _recovered = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(loops.Select(loop => SuperviseAsync(loop, cancellationToken)));

    private async Task SuperviseAsync(IInstanceLoop loop, CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await (attempt == 0 ? RunOnceAsync(loop, cancellationToken) : RunWatchedAsync(loop, cancellationToken));
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                lock (_gate)
                {
                    if (_recovered.Remove(loop.Name))
                    {
                        attempt = 0;
                    }
                }

                var delay = backoff.DelayFor(attempt++);
                LogLoopFailed(ex, instance, loop.Name, attempt, delay.TotalSeconds);
                await ReportAsync(
                    loop.Name,
                    $"Its {loop.Name} loop failed {(attempt == 1 ? "once" : attempt + " times in a row")} and is being restarted.",
                    cancellationToken);
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

    // Awaited inside an async method so a loop that throws before its first await still fails as a task.
    private static async Task RunOnceAsync(IInstanceLoop loop, CancellationToken cancellationToken) => await loop.RunAsync(cancellationToken);

    /// <summary>A restarted loop: once it has run <see cref="_healthyAfter"/> without failing, the instance is told it recovered.</summary>
    private async Task RunWatchedAsync(IInstanceLoop loop, CancellationToken cancellationToken)
    {
        var running = RunOnceAsync(loop, cancellationToken);
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var healthy = Task.Delay(_healthyAfter, time, watch.Token);
        if (await Task.WhenAny(running, healthy) == healthy && healthy.IsCompletedSuccessfully)
        {
            lock (_gate)
            {
                _recovered.Add(loop.Name);
            }

            LogLoopRecovered(instance, loop.Name);
            await ReportAsync(loop.Name, null, cancellationToken);
        }
        else
        {
            await watch.CancelAsync();
        }

        await running;
    }

    /// <summary>Tells the instance's observer its health changed; reporting must never take the supervisor down.</summary>
    private async Task ReportAsync(string loopName, string? reason, CancellationToken cancellationToken)
    {
        string? summary;
        lock (_gate)
        {
            if (reason is null)
            {
                _failing.Remove(loopName);
            }
            else
            {
                _failing[loopName] = reason;
            }

            summary = _failing.Count == 0 ? null : string.Join(" ", _failing.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Value));
        }

        if (reportHealth is null)
        {
            return;
        }

        try
        {
            await reportHealth(summary, cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                LogReportFailed(ex, instance);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "ComfyUI {Instance}: the {Loop} loop failed (failure {Attempt}); restarting it in {DelaySeconds:0.0} s")]
    private partial void LogLoopFailed(Exception ex, string instance, string loop, int attempt, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "ComfyUI {Instance}: the {Loop} loop runs again")]
    private partial void LogLoopRecovered(string instance, string loop);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ComfyUI {Instance}: its health could not be reported")]
    private partial void LogReportFailed(Exception ex, string instance);
}
