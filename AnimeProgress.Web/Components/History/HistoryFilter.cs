using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Jobs.ReadModel;

namespace AnimeProgress.Web.Components.History;

/// <summary>What the history page's filters ask for. Only finished jobs are listed; null means "any".</summary>
public sealed record HistoryFilter
{
    /// <summary>Completed, failed or cancelled; null lists all three.</summary>
    public JobStatus? Status { get; init; }

    public JobKind? Kind { get; init; }

    public string? Instance { get; init; }

    /// <summary>Matched against the title (case-insensitive on SQLite) and, exactly, the ComfyUI prompt id.</summary>
    public string? Text { get; init; }

    /// <summary>"My jobs": only jobs this name submitted; null lists everyone's.</summary>
    public string? SubmittedBy { get; init; }

    /// <summary>Finished at or after this moment.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Finished before this moment.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>The read model's filter: finished jobs only, narrowed by what the operator chose.</summary>
    public JobFilter ToJobFilter() => new()
    {
        Statuses = Status is { } status
            ? JobFilter.FinishedStatuses.Where(s => s == status).ToHashSet()
            : JobFilter.FinishedStatuses,
        Kind = Kind,
        Instance = string.IsNullOrWhiteSpace(Instance) ? null : Instance,
        TitleOrPrompt = string.IsNullOrWhiteSpace(Text) ? null : Text,
        SubmittedBy = SubmittedBy,
        FinishedFrom = From,
        FinishedBefore = To,
    };
}
