namespace AnimeProgress.Core.Queue;

/// <summary>Where a job of the fleet queue is: waiting, being sent (prompt id recorded, POST not confirmed), sent, or out.</summary>
public enum QueueEntryState
{
    Waiting,
    Dispatching,
    Dispatched,
    Cancelled,
    Failed,
}

public static class QueueEntryStates
{
    public static string ToWire(this QueueEntryState state) => state switch
    {
        QueueEntryState.Waiting => "waiting",
        QueueEntryState.Dispatching => "dispatching",
        QueueEntryState.Dispatched => "dispatched",
        QueueEntryState.Cancelled => "cancelled",
        _ => "failed",
    };

    public static QueueEntryState FromWire(string? text) => text switch
    {
        "waiting" => QueueEntryState.Waiting,
        "dispatching" => QueueEntryState.Dispatching,
        "dispatched" => QueueEntryState.Dispatched,
        "cancelled" => QueueEntryState.Cancelled,
        _ => QueueEntryState.Failed,
    };
}
