namespace AnimeProgress.Core.Queue;

/// <summary>Bound from <c>AnimeProgress:Queue</c>: the fleet queue and its dispatcher (issue 16).</summary>
public sealed class QueueOptions
{
    public const string Section = "AnimeProgress:Queue";

    /// <summary>How often the dispatcher looks anyway for an instance whose waiting prompt of ours has started; the hub wakes it at once when it sees one start, so this is only the fallback.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The waiting jobs are read again at least this often while an instance is free (changes made on other nodes).</summary>
    public TimeSpan RereadInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>After a failed pass (database or ComfyUI unreachable) the dispatcher waits this long, then checks its unfinished dispatches first.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A job still pending (sent, not started) on an instance that has been offline this long goes back to the fleet
    /// queue at its old place and is sent elsewhere under a new prompt id; the old prompt is deleted from that instance
    /// when it is back, before anything else goes there. A job that was running there is left alone (it may still be
    /// rendering behind a broken link).
    /// </summary>
    public TimeSpan ReclaimPendingAfter { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Priorities go from minus this to this (default 1000).</summary>
    public int MaxPriority { get; set; } = 1000;

    /// <summary>
    /// Default priority of a job <c>POST /api/jobs</c> gives none for, by its workflow: the workflow's key as the
    /// history shows it (its first 8 or more hex characters) → priority. Wins over <see cref="SubmitterPriorities"/>.
    /// </summary>
    public Dictionary<string, int> WorkflowPriorities { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Default priority of a job given none, by who submits it (the account, or a key's owner) → priority.</summary>
    public Dictionary<string, int> SubmitterPriorities { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Fault injection for the exactly-once tests only: the dispatcher stops for good after this step of a dispatch
    /// (<c>Recorded</c>, <c>Sent</c> or <c>Confirmed</c>) and logs it, so a test can kill the process right there. Never set it in production.
    /// </summary>
    public DispatchStep? HoldAfterStep { get; set; }
}
