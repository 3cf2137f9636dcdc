using AnimeProgress.Core.Cluster;

namespace AnimeProgress.Core.Notifications;

/// <summary>
/// Runs a notification loop only while this node holds the ingestion lease (in a cluster only the leader detects and
/// sends), starting it again on the next lease; a failure is handed to <paramref name="failed"/> and the loop restarts
/// after a pause, so nothing it throws reaches the host.
/// </summary>
public static class LeaderLoop
{
    private static readonly TimeSpan RestartPause = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(IngestionGate gate, TimeProvider time, Func<CancellationToken, Task> body, Action<Exception> failed, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            CancellationToken lease;
            try
            {
                lease = await gate.WaitForLeaseAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease);
            try
            {
                await body(leading.Token);
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
                // The lease ended or the host stops.
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failed(ex);
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
}
