using AnimeProgress.Core.ComfyUi.Jobs;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.ComfyUi.Loops;

/// <summary>
/// One reconcile: reads <c>/queue</c> at time T, then the history entries that appeared since the last read
/// (through the instance's <see cref="HistoryCursor"/>: prompts that ran and finished between two reads,
/// whoever submitted them) and the history of every prompt believed active here that is no longer queued,
/// and hands the truth (stamped T) to the observer. A failed read is logged and skipped: the next signal,
/// timer or offline probe tries again.
/// </summary>
internal sealed partial class QueueReconciler(ComfyUiConnection connection, ILogger logger)
{
    private readonly HistoryCursor _cursor = new(
        connection.Options.HistoryReadWindow, connection.Options.HistoryReadMax, connection.Time.GetUtcNow());

    private static readonly ComfyUiJobStatus[] FinishedStatuses = [ComfyUiJobStatus.Completed, ComfyUiJobStatus.Failed, ComfyUiJobStatus.Cancelled];

    // Set when the instance was seen unreachable; the next successful read says so (AfterOutage).
    private volatile bool _unreachable;

    /// <summary>The instance went offline: whatever the next successful read misses was lost, not deleted.</summary>
    public void MarkUnreachable() => _unreachable = true;

    /// <summary>Reconciles once; false when ComfyUI could not be read. <paramref name="quiet"/> (offline probes) logs failures at debug level only.</summary>
    public async Task<bool> ReconcileAsync(CancellationToken cancellationToken, bool quiet = false)
    {
        var instance = connection.Instance.Name;
        try
        {
            var asOf = connection.Time.GetUtcNow();
            var queue = quiet ? await ProbeQueueAsync(cancellationToken) : await connection.Http.GetQueueAsync(cancellationToken);
            var finished = connection.Features.JobsApi
                ? await WithWorkflowsAsync(await _cursor.ReadNewCountedAsync(ReadFinishedJobsAsync, cancellationToken), cancellationToken)
                : await _cursor.ReadNewAsync(connection.Http.GetRecentHistoryAsync, cancellationToken);
            var known = finished.ToDictionary(e => e.PromptId, e => (HistoryEntry?)e, StringComparer.Ordinal);
            var history = new Dictionary<string, HistoryEntry?>(StringComparer.Ordinal);
            foreach (var promptId in connection.Observer.ActivePromptIds(instance))
            {
                if (!queue.Contains(promptId))
                {
                    history[promptId] = known.TryGetValue(promptId, out var entry)
                        ? entry
                        : await OutcomeOfAsync(promptId, cancellationToken);
                }
            }

            // Cleared only once the socket is back: every read until then may be the first one after a restart.
            var afterOutage = _unreachable;
            if (connection.IsOnline)
            {
                _unreachable = false;
            }

            connection.QueueSignal.Remaining = queue.Running.Count + queue.Pending.Count;
            await connection.Observer.ObserveAsync(
                new InstanceReconciled(instance, queue, history, asOf, connection.ClientId, finished, afterOutage), cancellationToken);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidDataException or OperationCanceledException or System.Text.Json.JsonException)
        {
            _unreachable = true;
            if (quiet)
            {
                LogProbeFailed(instance, ex.Message);
            }
            else
            {
                LogReconcileFailed(instance, ex.Message);
            }

            return false;
        }
    }

    /// <summary>
    /// The newest finished jobs from the job API's list (<c>GET /api/jobs?status=completed,failed,cancelled</c>): a few
    /// hundred bytes a job where <c>/history?max_items</c> sends every graph and output again on every read. An item the
    /// list garbled is skipped and counted; the others still count.
    /// </summary>
    private async Task<(IReadOnlyList<HistoryEntry> Entries, int? Total)> ReadFinishedJobsAsync(int window, CancellationToken cancellationToken)
    {
        var page = await connection.Http.GetJobsAsync(FinishedStatuses, window, cancellationToken);
        if (page.Skipped > 0)
        {
            connection.ReportMalformed("api/jobs", $"{page.Skipped} unreadable job(s) skipped in GET /api/jobs");
        }

        return ([.. page.Jobs.Select(j => j.ToHistory()).OfType<HistoryEntry>()], page.Total);
    }

    /// <summary>
    /// The list is newest-created first and names no graph: the new entries are put in completion order (as the history
    /// gives them), and a prompt nobody follows here gets its graph and client id from <c>GET /api/jobs/{id}</c>, to be
    /// named and classified like one read from the history. A detail that cannot be read leaves the entry as it is.
    /// </summary>
    private async Task<IReadOnlyList<HistoryEntry>> WithWorkflowsAsync(IReadOnlyList<HistoryEntry> fresh, CancellationToken cancellationToken)
    {
        var active = connection.Observer.ActivePromptIds(connection.Instance.Name).ToHashSet(StringComparer.Ordinal);
        var ordered = new List<HistoryEntry>(fresh.Count);
        foreach (var entry in fresh.OrderBy(e => e.FinishedAt ?? e.StartedAt ?? DateTimeOffset.MaxValue))
        {
            if (entry.Prompt is not null || active.Contains(entry.PromptId))
            {
                ordered.Add(entry);
                continue;
            }

            ComfyUiJob? detail;
            try
            {
                detail = await connection.Http.GetJobAsync(entry.PromptId, cancellationToken);
            }
            catch (InvalidDataException ex)
            {
                connection.ReportMalformed("api/jobs", ex.Message);
                detail = null;
            }

            ordered.Add(detail?.Prompt is { } prompt ? entry with { Prompt = prompt } : entry);
        }

        return ordered;
    }

    /// <summary>
    /// What became of a prompt that left the queue. With the newer job API, <c>GET /api/jobs/{id}</c> answers it in one
    /// read: its status (<c>cancelled</c> included), creation, start and end times and error; otherwise its history entry.
    /// Null while it is still queued or running, or when ComfyUI does not know it.
    /// </summary>
    private async Task<HistoryEntry?> OutcomeOfAsync(string promptId, CancellationToken cancellationToken) =>
        connection.Features.JobsApi
            ? (await connection.Http.GetJobAsync(promptId, cancellationToken))?.ToHistory()
            : await connection.Http.GetHistoryAsync(promptId, cancellationToken);

    /// <summary>
    /// An offline probe gives up after about one probe interval instead of sitting in the HTTP pipeline's retry
    /// delays, so the first read after ComfyUI is back is never seconds late.
    /// </summary>
    private async Task<QueueState> ProbeQueueAsync(CancellationToken cancellationToken)
    {
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var interval = connection.Options.OfflineProbeInterval;
        probe.CancelAfter(interval > TimeSpan.FromSeconds(1) ? interval : TimeSpan.FromSeconds(1));
        return await connection.Http.GetQueueAsync(probe.Token);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ComfyUI {Instance} reconcile failed: {Error}")]
    private partial void LogReconcileFailed(string instance, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ComfyUI {Instance} is still unreachable: {Error}")]
    private partial void LogProbeFailed(string instance, string error);
}
