using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.Jobs.ReadModel;

/// <summary>
/// Which jobs a reader wants; every value given narrows the result, null means "any". One filter for the REST API,
/// the history page and the <c>jobs check</c> command; <see cref="StoredJobs"/> turns it into SQL and
/// <see cref="Matches"/> applies it to the hub's live jobs.
/// </summary>
public sealed record JobFilter
{
    public static JobFilter None { get; } = new();

    /// <summary>The statuses to keep; an empty set keeps none.</summary>
    public IReadOnlySet<JobStatus>? Statuses { get; init; }

    public JobKind? Kind { get; init; }

    /// <summary>The ComfyUI instance's name, exactly.</summary>
    public string? Instance { get; init; }

    /// <summary>Part of the title, any case (the REST API's <c>text</c>).</summary>
    public string? Title { get; init; }

    /// <summary>
    /// The history page's search: part of the title as SQL <c>LIKE</c> matches it (case-insensitive on SQLite), or
    /// exactly the ComfyUI prompt id.
    /// </summary>
    public string? TitleOrPrompt { get; init; }

    /// <summary>The title starts with this, exactly and in any case-sensitive database (test jobs).</summary>
    public string? TitlePrefix { get; init; }

    /// <summary>Who submitted the job (<see cref="JobSnapshot.SubmittedBy"/>), exactly: "My jobs" is the signed-in name.</summary>
    public string? SubmittedBy { get; init; }

    /// <summary>The workflow's structural key (<see cref="JobSnapshot.WorkflowKey"/>), exactly: jobs of one pipeline.</summary>
    public string? WorkflowKey { get; init; }

    /// <summary>True: only jobs with a finish time; false: only jobs without one. The status still says what a job is.</summary>
    public bool? HasFinishTime { get; init; }

    /// <summary>Finished at or after this moment.</summary>
    public DateTimeOffset? FinishedFrom { get; init; }

    /// <summary>Finished before this moment.</summary>
    public DateTimeOffset? FinishedBefore { get; init; }

    /// <summary>The outcomes: completed, failed and cancelled.</summary>
    public static IReadOnlySet<JobStatus> FinishedStatuses { get; } = new HashSet<JobStatus> { JobStatus.Completed, JobStatus.Failed, JobStatus.Cancelled };

    /// <summary>The same filter for a job the hub holds (its live state, not its row).</summary>
    public bool Matches(JobSnapshot job) =>
        (Statuses is null || Statuses.Contains(job.Status))
        && (Kind is null || job.Kind == Kind)
        && (Instance is null || string.Equals(job.Instance, Instance, StringComparison.Ordinal))
        && (Title is null || job.Title.Contains(Title, StringComparison.OrdinalIgnoreCase))
        && (TitleOrPrompt is null || job.Title.Contains(TitleOrPrompt.Trim(), StringComparison.OrdinalIgnoreCase) || job.PromptId == TitleOrPrompt.Trim())
        && (SubmittedBy is null || string.Equals(job.SubmittedBy, SubmittedBy, StringComparison.Ordinal))
        && (WorkflowKey is null || string.Equals(job.WorkflowKey, WorkflowKey, StringComparison.Ordinal))
        && (TitlePrefix is null || job.Title.StartsWith(TitlePrefix, StringComparison.Ordinal))
        && (HasFinishTime is not { } finished || finished == (job.FinishedAt is not null))
        && (FinishedFrom is null || job.FinishedAt >= FinishedFrom)
        && (FinishedBefore is null || job.FinishedAt < FinishedBefore);
}
