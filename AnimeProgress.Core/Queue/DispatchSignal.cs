namespace AnimeProgress.Core.Queue;

/// <summary>Wakes the dispatcher when the queue changed (a job added, moved, cancelled; the queue resumed), so it reads it again.</summary>
public sealed class DispatchSignal : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private volatile bool _changed = true;

    /// <summary>True once after each <see cref="Signal"/>.</summary>
    public bool TakeChanged()
    {
        var changed = _changed;
        _changed = false;
        return changed;
    }

    public void Signal()
    {
        _changed = true;
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up is enough.
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => await _wake.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _wake.Dispose();
}
