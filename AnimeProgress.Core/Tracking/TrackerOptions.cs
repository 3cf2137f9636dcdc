namespace AnimeProgress.Core.Tracking;

/// <summary>Bound from <c>AnimeProgress:Tracking</c>.</summary>
public sealed class TrackerOptions
{
    public const string Section = "AnimeProgress:Tracking";

    /// <summary>How often running jobs' ETA and elapsed time are refreshed without new events.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Finished jobs stay in the live state this long (the dashboard's "today" counters need them).</summary>
    public TimeSpan FinishedRetention { get; set; } = TimeSpan.FromHours(24);

    public int MaxFinishedRetained { get; set; } = 500;

    /// <summary>A running job with step detail that shows no sign of life this long is flagged Stalled.</summary>
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Previews refresh a job's snapshot at most this often.</summary>
    public TimeSpan PreviewInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Capacity of the event queue; the ComfyUI readers wait when it is full rather than drop events.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Most queued or running jobs followed per instance. Prompts queued beyond it are counted
    /// (<c>InstanceStatus.UntrackedQueued</c>) and listed by the instance's queue endpoint, and become jobs in queue
    /// order as followed ones finish; AnimeProgress's own submissions are always followed.
    /// </summary>
    public int MaxActiveJobsPerInstance { get; set; } = 20_000;
}
