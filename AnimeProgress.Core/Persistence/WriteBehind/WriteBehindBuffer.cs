using System.Diagnostics.CodeAnalysis;

namespace AnimeProgress.Core.Persistence.WriteBehind;

/// <summary>
/// Holds writes in memory so that the live path never waits on the database: the newest item per key waits, a
/// flush takes what is due and writes it in one batch, one flush at a time. A batch that fails with a transient
/// database error (<see cref="DatabaseErrors"/>) goes back to wait for the next flush; while too much waits, the
/// sink chooses what to drop. A batch that fails for any other reason (a value the database refuses) is written item
/// by item, and the item that still fails alone is quarantined (reported and dropped), so it never holds up the rest. A taken batch is written without cancellation, so a shutdown mid-write keeps it.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The semaphore is never disposed on purpose: a flush during or after shutdown must still be able to wait on it.")]
public sealed class WriteBehindBuffer<TKey, TItem>
    where TKey : notnull
{
    private readonly Dictionary<TKey, TItem> _waiting = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly WriteBehindSink<TKey, TItem> _sink;
    private readonly TimeProvider _time;
    private readonly WriteBehindMetrics.WriterCounts? _counts;
    private IReadOnlyList<TItem> _inFlight = [];

    public WriteBehindBuffer(WriteBehindSink<TKey, TItem> sink, TimeProvider time, WriteBehindMetrics? metrics = null)
    {
        _sink = sink;
        _time = time;
        _counts = metrics?.Track(WriteBehindMetrics.NameOf(_sink), () => Count);
    }

    /// <summary>Null while writes succeed; the last error while the database is unreachable.</summary>
    public string? LastError { get; private set; }

    /// <summary>Items waiting for a flush (not counting a batch being written).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Adds or replaces items by key, then drops what exceeds the capacity.</summary>
    /// <returns>True when one of them is urgent (the caller should flush now).</returns>
    public bool Offer(IEnumerable<KeyValuePair<TKey, TItem>> items)
    {
        var urgent = false;
        lock (_gate)
        {
            foreach (var (key, item) in items)
            {
                _waiting[key] = item;
                urgent |= _sink.IsUrgent(item);
            }

            Trim();
        }

        return urgent;
    }

    /// <summary>Drops the waiting items that match.</summary>
    public void RemoveWhere(Func<TKey, TItem, bool> match)
    {
        lock (_gate)
        {
            foreach (var key in _waiting.Where(p => match(p.Key, p.Value)).Select(p => p.Key).ToList())
            {
                _waiting.Remove(key);
            }
        }
    }

    /// <summary>Items not in the database yet, a batch being written included, so readers need not wait for a flush.</summary>
    public IReadOnlyList<TItem> NotYetWritten(Func<TItem, bool> match)
    {
        lock (_gate)
        {
            return [.. _inFlight.Where(match), .. _waiting.Values.Where(match)];
        }
    }

    /// <summary>Writes what waits (only what the sink calls due, with <paramref name="dueOnly"/>) in one batch.</summary>
    public async Task FlushAsync(bool dueOnly, CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            List<KeyValuePair<TKey, TItem>> taken;
            lock (_gate)
            {
                taken = [.. _waiting.Where(p => !dueOnly || _sink.IsDue(p.Value, now))];
                if (taken.Count == 0)
                {
                    return;
                }

                foreach (var (key, _) in taken)
                {
                    _waiting.Remove(key);
                }

                _inFlight = [.. taken.Select(p => p.Value)];
            }

            await WriteAsync(taken, now);
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>
    /// Flushes every <paramref name="tick"/> until cancelled; after a failure, waits at least
    /// <paramref name="retryPause"/> before trying again.
    /// </summary>
    public async Task RunAsync(TimeSpan tick, TimeSpan retryPause, bool dueOnly, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(tick, _time);
        var retryAt = DateTimeOffset.MinValue;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (LastError is not null && _time.GetUtcNow() < retryAt)
                {
                    continue;
                }

                await FlushAsync(dueOnly, cancellationToken);
                retryAt = _time.GetUtcNow() + retryPause;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task WriteAsync(List<KeyValuePair<TKey, TItem>> taken, DateTimeOffset now)
    {
        var batch = _inFlight;
        try
        {
            await _sink.WriteAsync(batch, CancellationToken.None);
        }
        catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
        {
            PutBack(taken);
            NoteFailure(ex, batch.Count);
            return;
        }
        catch (Exception ex)
        {
            // Not the database being away: some item's values. Find it instead of retrying the batch forever.
            await QuarantineAsync(taken, ex, now);
            return;
        }

        lock (_gate)
        {
            _inFlight = [];
        }

        NoteWritten(batch, now);
    }

    /// <summary>
    /// Writes a batch that failed for a non-transient reason one item at a time: each item that fails alone for such a
    /// reason is handed to <see cref="WriteBehindSink{TKey, TItem}.Quarantined"/> and dropped, the others are written;
    /// when the database goes away meanwhile, what is left waits for the next flush as usual.
    /// </summary>
    private async Task QuarantineAsync(List<KeyValuePair<TKey, TItem>> taken, Exception batchError, DateTimeOffset now)
    {
        if (taken.Count == 1)
        {
            Drop(taken[0].Value, batchError);
            return;
        }

        var written = new List<TItem>();
        for (var i = 0; i < taken.Count; i++)
        {
            var item = taken[i].Value;
            try
            {
                await _sink.WriteAsync([item], CancellationToken.None);
                written.Add(item);
            }
            catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
            {
                PutBack(taken[i..]);
                NoteFailure(ex, taken.Count - i);
                NoteWritten(written, now, recovered: false);
                return;
            }
            catch (Exception ex)
            {
                Drop(item, ex);
            }
        }

        lock (_gate)
        {
            _inFlight = [];
        }

        NoteWritten(written, now);
    }

    private void Drop(TItem item, Exception error)
    {
        _counts?.Rejected.Add(1);
        lock (_gate)
        {
            _inFlight = [.. _inFlight.Where(i => !EqualityComparer<TItem>.Default.Equals(i, item))];
        }

        _sink.Quarantined(item, error);
    }

    private void NoteFailure(Exception error, int count)
    {
        _counts?.Transient.Add(1);
        if (LastError is null)
        {
            _sink.Failed(error, count);
        }

        LastError = error.Message;
    }

    private void NoteWritten(IReadOnlyList<TItem> written, DateTimeOffset now, bool recovered = true)
    {
        if (written.Count == 0)
        {
            return;
        }

        _sink.Written(written, now);
        if (recovered && LastError is not null)
        {
            _sink.Recovered(written.Count);
            LastError = null;
        }
    }

    private void PutBack(List<KeyValuePair<TKey, TItem>> taken)
    {
        lock (_gate)
        {
            _inFlight = [];
            foreach (var (key, item) in taken)
            {
                // Keep what failed unless something newer arrived for its key meanwhile.
                if (!_waiting.TryGetValue(key, out var newer) || _sink.KeepFailedOver(item, newer))
                {
                    _waiting[key] = item;
                }
            }

            Trim();
        }
    }

    private void Trim()
    {
        var excess = _waiting.Count - _sink.Capacity;
        if (excess <= 0)
        {
            return;
        }

        var evicted = 0;
        foreach (var key in _sink.Evict(_waiting, excess).ToList())
        {
            evicted += _waiting.Remove(key) ? 1 : 0;
        }

        if (evicted > 0)
        {
            _counts?.Dropped.Add(evicted);
        }
    }
}
