namespace AnimeProgress.Core.Queue;

public enum QueueMoveTarget
{
    Front,
    Back,
    Before,
}

/// <summary>Where an operator moves a waiting job: the front, the back, or just before another waiting job.</summary>
public sealed record QueueMove(QueueMoveTarget To, long? BeforeJobId = null)
{
    /// <summary>"to the front of the queue", "just before job #12".</summary>
    public string Describe() => To switch
    {
        QueueMoveTarget.Front => "to the front of the queue",
        QueueMoveTarget.Back => "to the back of the queue",
        _ => "just before job #" + BeforeJobId,
    };
}
