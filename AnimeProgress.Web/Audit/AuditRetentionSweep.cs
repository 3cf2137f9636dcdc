using AnimeProgress.Core.Persistence;

namespace AnimeProgress.Web.Audit;

/// <summary>Applies the audit log's retention once at start and then once a day (<see cref="AuditRetention.SweepAsync"/>).</summary>
internal sealed partial class AuditRetentionSweep(AuditRetention retention, TimeProvider time, ILogger<AuditRetentionSweep> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                try
                {
                    await retention.SweepAsync(stoppingToken);
                }
                catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
                {
                    // Tomorrow's sweep deletes the same entries; nothing is lost by waiting.
                    LogFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit log's retention sweep failed; it runs again tomorrow")]
    private partial void LogFailed(Exception ex);
}
