namespace AnimeProgress.Core.Queue;

/// <summary>
/// Wakes the dispatcher when the queue changed (a job added, moved, cancelled; the queue resumed), so it reads it again,
/// or when one of our pending prompts started, so the instance it waited on gets the next one at once.
/// </summary>
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
        Wake();
    }

    /// <summary>Wakes the dispatcher for a pass without saying the queue changed (an instance may have become free).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake or about to be.
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => await _wake.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _wake.Dispose();
}
