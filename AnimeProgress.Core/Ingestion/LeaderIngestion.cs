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
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        fleet.AddConfigured();
        return LeaderLoop.RunAsync(ingestion, time, RunFleetAsync, ex => LogFleetFailed(ex, LeaderLoop.RestartPause.TotalSeconds), stoppingToken);
    }

    private async Task RunFleetAsync(CancellationToken leading)
    {
        await fleet.RunAsync(leading);
        // An empty fleet returns at once: hold the lease idle rather than ask for it again in a tight loop.
        await Task.Delay(Timeout.Infinite, leading);
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "ComfyUI ingestion failed; starting it again in {PauseSeconds:0} s")]
    private partial void LogFleetFailed(Exception ex, double pauseSeconds);
}
