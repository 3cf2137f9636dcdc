namespace AnimeProgress.Core.Notifications;

/// <summary>The event types a rule can name (<c>AnimeProgress:Notifications:Rules:N:Events</c>).</summary>
public static class NotificationEventTypes
{
    public const string JobCompleted = "job.completed";
    public const string JobFailed = "job.failed";
    public const string JobCancelled = "job.cancelled";

    /// <summary>ComfyUI no longer knows the job (it restarted while the job ran).</summary>
    public const string JobLost = "job.lost";

    /// <summary>A running job showed no sign of life for <c>AnimeProgress:Tracking:StallAfter</c>.</summary>
    public const string JobStalled = "job.stalled";

    /// <summary>A running job ran longer than <c>OverdueFactor</c> times what history expects.</summary>
    public const string JobOverdue = "job.overdue";

    /// <summary>Every job has finished.</summary>
    public const string QueueEmpty = "queue.empty";

    public const string InstanceOffline = "instance.offline";

    /// <summary>An instance that was reported offline is reachable again.</summary>
    public const string InstanceOnline = "instance.online";

    public const string InstanceVramHigh = "instance.vram_high";

    /// <summary>Sent by "send test message"; no rule routes it.</summary>
    public const string Test = "test";

    public static IReadOnlyList<string> All { get; } =
    [
        JobCompleted, JobFailed, JobCancelled, JobLost, JobStalled, JobOverdue, QueueEmpty, InstanceOffline, InstanceOnline, InstanceVramHigh,
    ];

    /// <summary>Events about one job, the only ones a "my jobs" subscription receives.</summary>
    public static bool IsAboutAJob(string type) => type.StartsWith("job.", StringComparison.Ordinal);
}
