namespace AnimeProgress.Core.ComfyUi.Loops;

/// <summary>
/// The socket reader tells the queue poller that the queue changed (a <c>status</c> message, a reconnect),
/// and how long the queue is, which decides how often the poller reads it anyway.
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
