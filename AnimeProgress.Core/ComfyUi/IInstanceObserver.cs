namespace AnimeProgress.Core.ComfyUi;

/// <summary>
/// Who is told what a connection observed. The ComfyUI side knows only this interface, so the protocol
/// code never depends on whoever consumes it (the tracker implements it).
/// </summary>
public interface IInstanceObserver
{
    /// <summary>Hands over one observation; may wait when the consumer is busy (back-pressure, never loss).</summary>
    ValueTask ObserveAsync(InstanceObservation observation, CancellationToken cancellationToken);

    /// <summary>Prompt ids believed queued or running on an instance: a reconcile reads their history when they left the queue.</summary>
    IReadOnlyList<string> ActivePromptIds(string instance);
}
