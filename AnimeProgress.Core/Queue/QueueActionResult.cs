namespace AnimeProgress.Core.Queue;

/// <summary>How an action on the queue ended; each maps to one HTTP answer.</summary>
public enum QueueActionOutcome
{
    /// <summary>Done (the message says what was done).</summary>
    Done,

    /// <summary>No such job or instance.</summary>
    NotFound,

    /// <summary>The job is no longer in a state that allows it (another action or the dispatcher won the race).</summary>
    Conflict,

    /// <summary>The request itself is wrong (a priority out of range, a move before itself, a bad label).</summary>
    BadInput,

    /// <summary>No instance can ever take the job.</summary>
    Unplaceable,

    /// <summary>Who asks may not do this.</summary>
    Forbidden,

    /// <summary>This node does not lead the fleet (in a cluster); the leader can do it.</summary>
    NotLeader,
}

/// <summary>The outcome of an action, a sentence saying what happened or why not, and the new job of a retry.</summary>
public sealed record QueueActionResult(QueueActionOutcome Outcome, string Message, long? NewJobId = null)
{
    public bool Succeeded => Outcome == QueueActionOutcome.Done;

    public static QueueActionResult Done(string message, long? newJobId = null) => new(QueueActionOutcome.Done, message, newJobId);

    public static QueueActionResult NotFound(string message) => new(QueueActionOutcome.NotFound, message);

    public static QueueActionResult Conflict(string message) => new(QueueActionOutcome.Conflict, message);

    public static QueueActionResult BadInput(string message) => new(QueueActionOutcome.BadInput, message);

    public static QueueActionResult Forbidden(string message) => new(QueueActionOutcome.Forbidden, message);
}
