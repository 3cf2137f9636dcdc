namespace AnimeProgress.Core.Persistence.Queue;

/// <summary>
/// A row of <c>fleet_queue</c> (issue 16): a job submitted through AnimeProgress, from the moment it is accepted until
/// long after it reached ComfyUI. It holds what is needed to send it (the graph) and, once chosen, the instance and the
/// prompt id it is sent under: written before the POST, so a dispatch cut short by a crash can be checked and finished.
/// </summary>
public sealed class FleetQueueRow
{
    public const string Table = "fleet_queue";
    public const int TitleMaxLength = 500;
    public const int NameMaxLength = 128;

    /// <summary>The job's id: the same as in <c>production_jobs</c>.</summary>
    public long JobId { get; set; }

    public string Title { get; set; } = "";

    /// <summary><c>image</c> or <c>video</c>.</summary>
    public string Kind { get; set; } = "image";

    /// <summary>The API-format graph, as JSON text.</summary>
    public string Workflow { get; set; } = "{}";

    /// <summary>ComfyUI <c>extra_data</c>, as JSON text; null for none.</summary>
    public string? ExtraData { get; set; }

    public int? FramesTotal { get; set; }

    /// <summary>The one instance the submitter asked for; null lets the dispatcher choose.</summary>
    public string? PinnedInstance { get; set; }

    /// <summary>Higher first; decides where the job enters the queue and where a priority change puts it.</summary>
    public int Priority { get; set; }

    /// <summary>Dispatch order among waiting jobs, ascending (gaps leave room for moves).</summary>
    public long Position { get; set; }

    public double? NeedsVramGb { get; set; }

    /// <summary>Labels an instance must carry, comma-separated; null for none.</summary>
    public string? NeedsLabels { get; set; }

    /// <summary>Model files an instance must list, as a JSON array; null for none.</summary>
    public string? NeedsModels { get; set; }

    public string? SubmittedBy { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary><c>waiting</c>, <c>dispatching</c>, <c>dispatched</c>, <c>cancelled</c> or <c>failed</c> (see QueueEntryState).</summary>
    public string State { get; set; } = "waiting";

    /// <summary>The instance chosen at dispatch.</summary>
    public string? Instance { get; set; }

    /// <summary>The prompt id chosen at dispatch (a canonical UUID), recorded before the POST.</summary>
    public string? PromptId { get; set; }

    public DateTimeOffset? DispatchedAt { get; set; }

    /// <summary>The job this one retries, if any.</summary>
    public long? RetryOf { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
