using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.ComfyUi;
using Microsoft.Extensions.Hosting;

namespace AnimeProgress.Core.Ingestion;

/// <summary>
/// Runs the ComfyUI fleet only while this node holds the ingestion lease (always, on a single node; on
/// the elected leader in a cluster). When the lease ends the connections stop, and start again on the
/// next lease. This is the only place the fleet meets the cluster.
/// </summary>
public sealed class LeaderIngestion(ComfyUiFleet fleet, IngestionGate ingestion) : BackgroundService
{
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
        }
    }
}
