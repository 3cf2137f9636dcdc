namespace AnimeProgress.Core.ComfyUi;

/// <summary>Bound from <c>AnimeProgress:ComfyUi</c>.</summary>
public sealed class ComfyUiOptions
{
    public const string Section = "AnimeProgress:ComfyUi";

    public List<ComfyUiInstanceOptions> Instances { get; set; } = [];

    /// <summary>First reconnect delay; doubles per failed attempt up to <see cref="ReconnectMaxDelay"/>, with jitter.</summary>
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan SystemStatsInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>/queue is read this long after a <c>status</c> message (the queue changed), batching bursts.</summary>
    public TimeSpan QueueReadDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>/queue safety-net interval while jobs are queued or running.</summary>
    public TimeSpan QueuePollBusy { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>/queue safety-net interval while the instance is idle.</summary>
    public TimeSpan QueuePollIdle { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>While the instance is offline /queue is probed this often, so a restart is noticed (and lost jobs marked) within about this long.</summary>
    public TimeSpan OfflineProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Each reconcile reads this many of the newest <c>/history</c> entries to find prompts that finished between two reads.</summary>
    public int HistoryReadWindow { get; set; } = 64;

    /// <summary>When every entry of a window is new (a gap is possible) the window doubles up to this many entries.</summary>
    public int HistoryReadMax { get; set; } = 2048;

    /// <summary>
    /// The client id AnimeProgress submits with and listens under. Empty: a fresh one per process. In a cluster
    /// every node uses the same one, so a node that takes over ingestion keeps receiving the step progress of
    /// jobs the previous leader submitted (ComfyUI sends it only to the submitter's client id).
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// A loop restarted after a failure that then runs this long without failing counts as recovered: the instance
    /// is no longer shown degraded and the loop's backoff starts over.
    /// </summary>
    public TimeSpan LoopHealthyAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Largest /history answer, and largest single prompt in a /queue answer, read (16 MiB default; 64 KiB to 1 GiB);
    /// a bigger one is refused with a logged error. /queue itself is streamed, so a queue of any length is read whole.
    /// </summary>
    public int MaxResponseBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest /system_stats answer read (1 MiB default; 4 KiB to 64 MiB).</summary>
    public int MaxSystemStatsBytes { get; set; } = 1024 * 1024;

    /// <summary>Frames larger than this are discarded unread (previews are a few hundred KiB at most); 1 KiB to 256 MiB.</summary>
    public int MaxFrameBytes { get; set; } = 16 * 1024 * 1024;
}

public sealed class ComfyUiInstanceOptions
{
    public string? Name { get; set; }

    public string? BaseUrl { get; set; }
}
