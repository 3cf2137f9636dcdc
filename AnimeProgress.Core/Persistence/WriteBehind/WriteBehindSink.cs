namespace AnimeProgress.Core.Persistence.WriteBehind;

/// <summary>
/// One batched writer's own rules for a <see cref="WriteBehindBuffer{TKey, TItem}"/>: where a batch goes, what is
/// written at once, what may wait, what gives way when too much waits, and how failures are reported.
/// </summary>
public abstract class WriteBehindSink<TKey, TItem>
    where TKey : notnull
{
    /// <summary>Most items waiting; beyond it <see cref="Evict"/> chooses what to drop.</summary>
    public abstract int Capacity { get; }

    /// <summary>Writes one batch (one transaction). Called with no cancellation: a taken batch is written or put back.</summary>
    public abstract Task WriteAsync(IReadOnlyList<TItem> batch, CancellationToken cancellationToken);

    /// <summary>Which waiting items to drop when <paramref name="excess"/> too many wait; fewer (or none) is allowed.</summary>
    public abstract IEnumerable<TKey> Evict(IReadOnlyDictionary<TKey, TItem> waiting, int excess);

    /// <summary>True when the item should go out now rather than on the next tick.</summary>
    public virtual bool IsUrgent(TItem item) => false;

    /// <summary>True when a flush of due items only should take it now.</summary>
    public virtual bool IsDue(TItem item, DateTimeOffset now) => true;

    /// <summary>A failed item goes back unless a newer one waits for its key; true keeps the failed one instead.</summary>
    public virtual bool KeepFailedOver(TItem failed, TItem waiting) => false;

    /// <summary>A batch reached the database.</summary>
    public virtual void Written(IReadOnlyList<TItem> batch, DateTimeOffset at)
    {
    }

    /// <summary>The first failure of an outage (later ones stay quiet until <see cref="Recovered"/>).</summary>
    public virtual void Failed(Exception exception, int count)
    {
    }

    /// <summary>
    /// An item that failed on its own for a non-transient reason (<see cref="DatabaseErrors.IsTransient"/> false): it is
    /// dropped so that the batch and every later write go on; the sink logs it with what identifies it.
    /// </summary>
    public virtual void Quarantined(TItem item, Exception exception)
    {
    }

    /// <summary>The first successful write after a failure.</summary>
    public virtual void Recovered(int count)
    {
    }
}
