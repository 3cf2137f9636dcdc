using AnimeProgress.Core.Cluster;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Persistence.History;

/// <summary>
/// Runs <see cref="ProgressHistoryRetention"/> on the leader only (one node thins and deletes; the others would only
/// repeat its statements): once when it starts leading, then every <see cref="ProgressHistoryOptions.RetentionInterval"/>.
/// A database that is away costs one warning; the next pass does what this one could not.
/// </summary>
public sealed partial class ProgressHistoryRetentionService(
    ProgressHistoryRetention retention,
    IngestionGate gate,
    IOptions<ProgressHistoryOptions> options,
    TimeProvider time,
    ILogger<ProgressHistoryRetentionService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        LeaderLoop.RunAsync(gate, time, LeadAsync, ex => LogFailed(ex, LeaderLoop.RestartPause.TotalSeconds), stoppingToken);

    private async Task LeadAsync(CancellationToken leading)
    {
        while (!leading.IsCancellationRequested)
        {
            try
            {
                await retention.RunAsync(leading);
            }
            catch (Exception ex) when (DatabaseErrors.IsTransient(ex) && !leading.IsCancellationRequested)
            {
                LogPassFailed(ex, options.Value.RetentionInterval);
            }

            await Task.Delay(options.Value.RetentionInterval, time, leading);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Progress history retention pass failed; the next runs in {Interval}")]
    private partial void LogPassFailed(Exception ex, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Error, Message = "Progress history retention stopped; restarting in {Seconds} s")]
    private partial void LogFailed(Exception ex, double seconds);
}
