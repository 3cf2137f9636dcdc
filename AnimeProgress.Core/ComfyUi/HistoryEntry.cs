namespace AnimeProgress.Core.ComfyUi;

public enum HistoryOutcome
{
    Success,
    Error,
    Interrupted,
}

/// <summary>What <c>/history</c> says of a prompt that left the queue (reference §5).</summary>
/// <param name="Prompt">The history's <c>prompt</c> item (graph, client id), to name and classify a prompt nobody followed.</param>
public sealed record HistoryEntry(
    string PromptId,
    HistoryOutcome Outcome,
    string? ErrorMessage,
    string? ErrorNodeType,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    QueueItem? Prompt = null)
{
    /// <summary>When ComfyUI accepted the prompt (<c>extra_data.create_time</c>, newer servers' job API); null when unknown.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
}
