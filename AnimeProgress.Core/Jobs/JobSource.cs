namespace AnimeProgress.Core.Jobs;

/// <summary>
/// How a job reached ComfyUI, which decides what can be known about it (reference §3).
/// </summary>
public enum JobSource
{
    /// <summary>Submitted through AnimeProgress under its own client id: every event, node by node.</summary>
    AnimeProgress,

    /// <summary>Posted by another program without a client id: step progress from broadcasts; start and outcome from /queue and /history.</summary>
    Broadcast,

    /// <summary>Posted by another program with its own client id: only /queue and /history; no step detail exists.</summary>
    External,

    /// <summary>A row another program wrote to the database; progress as that program reports it.</summary>
    Database,
}
