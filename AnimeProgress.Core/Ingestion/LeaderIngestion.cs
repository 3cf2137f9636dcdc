using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.ComfyUi;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.Ingestion;

/// <summary>
/// Runs the ComfyUI fleet only while this node holds the ingestion lease (always, on a single node; on
/// the elected leader in a cluster). When the lease ends the connections stop, and start again on the
/// next lease. This is the only place the fleet meets the cluster. Nothing the fleet throws ends this service (a
/// failed BackgroundService would stop the whole host): it is logged and the fleet starts again after a pause.
/// </summary>
public sealed partial class LeaderIngestion(ComfyUiFleet fleet, IngestionGate ingestion, TimeProvider time, ILogger<LeaderIngestion> logger)
    : BackgroundService
{
    private static readonly TimeSpan RestartPause = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        fleet.AddConfigured();
        while (!stoppingToken.IsCancellationRequested)
        {
            CancellationToken lease;
            try
            {
                lease = await ingestion.WaitForLeaseAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease);
            try
            {
                await fleet.RunAsync(leading.Token);
                // An empty fleet returns at once: hold the lease idle rather than ask for it again in a tight loop.
                await Task.Delay(Timeout.Infinite, leading.Token);
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
                // The lease ended (another node leads now) or the host stops: both are normal.
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The supervisors catch every loop's failure; this is the last line, so the host never stops for it.
                LogFleetFailed(ex, RestartPause.TotalSeconds);
                try
                {
                    await Task.Delay(RestartPause, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "ComfyUI ingestion failed; starting it again in {PauseSeconds:0} s")]
    private partial void LogFleetFailed(Exception ex, double pauseSeconds);
}
