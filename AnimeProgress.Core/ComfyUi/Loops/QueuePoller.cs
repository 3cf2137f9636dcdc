namespace AnimeProgress.Core.ComfyUi.Loops;

/// <summary>
/// Keeps the observer's view of the queue true: reconciles shortly after every queue change the socket
/// reports, and on a slow timer as a safety net (faster while the queue is not empty). This is how jobs
/// other programs submitted are seen at all (reference §3). While the socket is down it probes /queue every
/// <see cref="ComfyUiOptions.OfflineProbeInterval"/>, so the first successful read after a restart reconciles
/// at once (and marks the jobs the restart lost) instead of waiting for the socket's reconnect backoff.
/// </summary>
internal sealed class QueuePoller(ComfyUiConnection connection, QueueReconciler reconciler) : IInstanceLoop
{
    public string Name => "queue";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = connection.Options;
        var wasOnline = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var online = connection.IsOnline;
                if (wasOnline && !online)
                {
                    reconciler.MarkUnreachable();
                }

                wasOnline = online;
                var interval = !online ? options.OfflineProbeInterval
                    : connection.QueueSignal.Remaining > 0 ? options.QueuePollBusy
                    : options.QueuePollIdle;
                if (await connection.QueueSignal.WaitAsync(interval, cancellationToken) && connection.IsOnline)
                {
                    // A short pause batches a burst of status messages into one read.
                    await Task.Delay(options.QueueReadDelay, connection.Time, cancellationToken);
                }

                if (wasOnline && !connection.IsOnline)
                {
                    reconciler.MarkUnreachable();
                    wasOnline = false;
                }

                await reconciler.ReconcileAsync(cancellationToken, quiet: !connection.IsOnline);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
