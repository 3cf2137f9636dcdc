namespace AnimeProgress.Core.ComfyUi;

public enum HistoryOutcome
{
    Success,
    Error,
    Interrupted,
}

/// <summary>What <c>/history/{id}</c> says of a prompt that left the queue (reference §5).</summary>
public sealed record HistoryEntry(
    string PromptId,
    HistoryOutcome Outcome,
    string? ErrorMessage,
    string? ErrorNodeType,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);
