using AnimeProgress.Core.ComfyUi.Messages;

namespace AnimeProgress.Core.ComfyUi.Loops;

/// <summary>
/// The socket reader tells the queue poller that the queue changed (a <c>status</c> message, a job's start or
/// end, a reconnect), and how long the queue is, which decides how often the poller reads it anyway.
/// </summary>
internal sealed class QueueChangeSignal : IDisposable
{
    private readonly SemaphoreSlim _changed = new(0, 1);
    private volatile int _remaining;

    public int Remaining
    {
        get => _remaining;
        set => _remaining = value;
    }

    /// <summary>
    /// A job started or ended: the queue and the history changed, so they are read at once (besides <c>status</c>,
    /// which the reader handles itself). These reach every client for prompts posted without a client id (reference §3).
    /// </summary>
    public static bool Announces(ComfyUiEvent? e) =>
        e is ExecutionStartEvent or ExecutionSuccessEvent or ExecutionErrorEvent or ExecutionInterruptedEvent or ExecutingEvent { Node: null };

    public void Signal()
    {
        if (_changed.CurrentCount == 0)
        {
            try
            {
                _changed.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled by another thread: one read covers both.
            }
        }
    }

    /// <summary>True when signalled within the timeout.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _changed.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _changed.Dispose();
}
