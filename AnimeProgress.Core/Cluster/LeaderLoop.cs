namespace AnimeProgress.Core.Cluster;

/// <summary>
/// Runs a loop only while this node holds the ingestion lease (always on a single node; on the elected leader in a
/// cluster: ingestion, dispatch, notification detection and delivery), starting it again on the next lease. A failure
/// is handed to <c>failed</c> and the loop restarts after <see cref="RestartPause"/>, so nothing it throws reaches the
/// host (a failed BackgroundService would stop it).
/// </summary>
public static class LeaderLoop
{
    public static readonly TimeSpan RestartPause = TimeSpan.FromSeconds(5);

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
