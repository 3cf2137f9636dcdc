namespace AnimeProgress.Core.ComfyUi.Loops;

/// <summary>
/// Keeps the observer's view of the queue true: reconciles shortly after every queue change the socket
/// reports, and on a slow timer as a safety net (faster while the queue is not empty). This is how jobs
/// other programs submitted are seen at all (reference §3).
/// </summary>
internal sealed class QueuePoller(ComfyUiConnection connection, QueueReconciler reconciler) : IInstanceLoop
{
    public string Name => "queue";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = connection.Options;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var interval = connection.QueueSignal.Remaining > 0 ? options.QueuePollBusy : options.QueuePollIdle;
                if (await connection.QueueSignal.WaitAsync(interval, cancellationToken))
                {
                    // A short pause batches a burst of status messages into one read.
                    await Task.Delay(options.QueueReadDelay, connection.Time, cancellationToken);
                }

                if (connection.IsOnline)
                {
                    await reconciler.ReconcileAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
