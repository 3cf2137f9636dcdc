namespace AnimeProgress.Core.Jobs;

/// <summary>Where a job is in its life; the last three are outcomes.</summary>
public enum JobStatus
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

public static class JobStatusExtensions
{
    public static bool IsTerminal(this JobStatus status) =>
        status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;

    public static bool IsActive(this JobStatus status) => !status.IsTerminal();
}
