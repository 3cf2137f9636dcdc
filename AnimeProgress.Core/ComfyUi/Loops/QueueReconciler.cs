using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.ComfyUi.Loops;

/// <summary>
/// One reconcile: reads <c>/queue</c> at time T, then the history of every prompt believed active here
/// that is no longer in it, and hands the truth (stamped T) to the observer. A failed read is logged and
/// skipped: the next signal or timer tries again.
/// </summary>
internal sealed partial class QueueReconciler(ComfyUiConnection connection, ILogger logger)
{
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var instance = connection.Instance.Name;
        try
        {
            var asOf = connection.Time.GetUtcNow();
            var queue = await connection.Http.GetQueueAsync(cancellationToken);
            var history = new Dictionary<string, HistoryEntry?>(StringComparer.Ordinal);
            foreach (var promptId in connection.Observer.ActivePromptIds(instance))
            {
                if (!queue.Contains(promptId))
                {
                    history[promptId] = await connection.Http.GetHistoryAsync(promptId, cancellationToken);
                }
            }

            connection.QueueSignal.Remaining = queue.Running.Count + queue.Pending.Count;
            await connection.Observer.ObserveAsync(new InstanceReconciled(instance, queue, history, asOf, connection.ClientId), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidDataException or OperationCanceledException or System.Text.Json.JsonException)
        {
            LogReconcileFailed(instance, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ComfyUI {Instance} reconcile failed: {Error}")]
    private partial void LogReconcileFailed(string instance, string error);
}
