namespace AnimeProgress.Core.Jobs;

/// <summary>The status words the seed's table and clients use ("processing" for a running job).</summary>
public static class JobStatusNames
{
    public static string ToWire(this JobStatus status) => status switch
    {
        JobStatus.Queued => "queued",
        JobStatus.Running => "processing",
        JobStatus.Completed => "completed",
        JobStatus.Failed => "failed",
        JobStatus.Cancelled => "cancelled",
        _ => "unknown",
    };

    /// <summary>Reads the words other programs write too ("pending", "running", "done"…); null when unknown.</summary>
    public static JobStatus? FromWire(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "queued" or "pending" or "waiting" or "submitted" => JobStatus.Queued,
        "processing" or "running" or "in_progress" or "rendering" => JobStatus.Running,
        "completed" or "complete" or "done" or "success" or "succeeded" => JobStatus.Completed,
        "failed" or "error" => JobStatus.Failed,
        "cancelled" or "canceled" or "interrupted" => JobStatus.Cancelled,
        _ => null,
    };
}
