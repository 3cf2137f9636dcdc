using System.Globalization;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Notifications;

/// <summary>
/// A job's outcome as an event. Its id is the record's: the job's id and the outcome (<c>job.completed:42</c>), so the
/// outcome written once is told once, however often the row is written again.
/// </summary>
public static class JobOutcomeEvents
{
    /// <summary>The reconcile's words for a job ComfyUI forgot (Tracking/QueueReconciliation).</summary>
    private const string LostPrefix = "Lost:";

    public static NotificationEvent From(JobSnapshot job)
    {
        var type = job.Status switch
        {
            JobStatus.Completed => NotificationEventTypes.JobCompleted,
            JobStatus.Cancelled => NotificationEventTypes.JobCancelled,
            JobStatus.Failed when job.Error?.StartsWith(LostPrefix, StringComparison.Ordinal) == true => NotificationEventTypes.JobLost,
            JobStatus.Failed => NotificationEventTypes.JobFailed,
            _ => throw new ArgumentException($"Job {job.Id} has not finished ({job.Status}).", nameof(job)),
        };
        var verb = type switch
        {
            NotificationEventTypes.JobCompleted => "completed",
            NotificationEventTypes.JobCancelled => "cancelled",
            NotificationEventTypes.JobLost => "lost",
            _ => "failed",
        };
        return ForJob(job, type, $"{type}:{job.Id.ToString(CultureInfo.InvariantCulture)}", job.FinishedAt ?? job.UpdatedAt, $"Job {verb}: {job.Title}", job.Error);
    }

    /// <summary>The facts of a job every job event carries.</summary>
    public static NotificationEvent ForJob(JobSnapshot job, string type, string id, DateTimeOffset at, string title, string? detail) => new()
    {
        Id = id,
        Type = type,
        Subject = "job:" + job.Id.ToString(CultureInfo.InvariantCulture),
        OccurredAt = at,
        Title = title,
        Detail = detail,
        JobId = job.Id,
        JobTitle = job.Title,
        Status = JobStatusNames.ToWire(job.Status),
        Kind = job.Kind == JobKind.Video ? "video" : "image",
        Workflow = job.WorkflowKey,
        Instance = job.Instance,
        SubmittedBy = job.SubmittedBy,
        DurationSeconds = job.Elapsed(job.FinishedAt ?? at)?.TotalSeconds,
        Error = job.Error,
    };
}
