namespace AnimeProgress.Core.ComfyUi.Jobs;

/// <summary>A job's status in the newer server's job API (reference §9).</summary>
public enum ComfyUiJobStatus
{
    Pending,
    InProgress,
    Completed,
    Failed,

    /// <summary>Interrupted or cancelled: the history said <c>error</c> and its messages hold <c>execution_interrupted</c>.</summary>
    Cancelled,
}

/// <summary>
/// One job as <c>GET /api/jobs</c> or <c>GET /api/jobs/{id}</c> describes it, past the boundary (ids and texts capped,
/// times in range). Times are ComfyUI's own clock (epoch milliseconds), as in its history.
/// </summary>
/// <param name="Prompt">Only from <c>GET /api/jobs/{id}</c>: the job's <c>workflow</c> (graph and extra data), to name a job nobody followed.</param>
public sealed record ComfyUiJob(
    string Id,
    ComfyUiJobStatus Status,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? ErrorMessage,
    string? ErrorNodeType,
    string? ErrorType,
    QueueItem? Prompt = null)
{
    public bool IsFinished => Status is ComfyUiJobStatus.Completed or ComfyUiJobStatus.Failed or ComfyUiJobStatus.Cancelled;

    /// <summary>The same facts as a history entry (what reconciliation folds), or null while the job is pending or running.</summary>
    public HistoryEntry? ToHistory() => Status switch
    {
        ComfyUiJobStatus.Completed => new HistoryEntry(Id, HistoryOutcome.Success, null, null, StartedAt, FinishedAt, Prompt) { CreatedAt = CreatedAt },
        ComfyUiJobStatus.Cancelled => new HistoryEntry(Id, HistoryOutcome.Interrupted, null, null, StartedAt, FinishedAt, Prompt) { CreatedAt = CreatedAt },
        ComfyUiJobStatus.Failed => new HistoryEntry(Id, HistoryOutcome.Error, ErrorMessage ?? ErrorType, ErrorNodeType, StartedAt, FinishedAt, Prompt) { CreatedAt = CreatedAt },
        _ => null,
    };
}

/// <summary>
/// A page of <c>GET /api/jobs</c>: the jobs that could be read, how many items were skipped as unreadable (one bad item
/// never drops the others), and the server's <c>pagination.total</c> when it sent one.
/// </summary>
public sealed record ComfyUiJobPage(IReadOnlyList<ComfyUiJob> Jobs, int Skipped, int? Total);
