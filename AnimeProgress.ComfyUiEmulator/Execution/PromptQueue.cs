using System.Text.Json.Nodes;
using System.Threading.Channels;
using AnimeProgress.ComfyUiEmulator.WebSockets;

namespace AnimeProgress.ComfyUiEmulator.Execution;

/// <summary>
/// Pending prompts, the running one, and the number counter. Every change broadcasts a status
/// message while still holding the lock, so queue_remaining values arrive in the order the queue
/// changed (including ComfyUI's duplicates: dequeue keeps the count, deleting the last pending
/// prompt sends two).
/// </summary>
internal sealed class PromptQueue(JobMessenger messenger, HistoryStore history)
{
    private readonly Lock _gate = new();
    private readonly List<QueueItem> _pending = [];
    // Wakes the worker; extra wake-ups are harmless because it re-checks under the lock.
    private readonly Channel<bool> _signal = Channel.CreateUnbounded<bool>();
    private QueueItem? _running;
    private int _remaining;
    private int _counter;

    /// <summary>Pending + running; readable without the lock (the WebSocket greeting uses it).</summary>
    public int Remaining => Volatile.Read(ref _remaining);

    /// <summary>ComfyUI's prompt counter: every POST without "number" takes one, even if validation then fails.</summary>
    public int TakeNumber() => Interlocked.Increment(ref _counter) - 1;

    public void Enqueue(QueueItem item)
    {
        lock (_gate)
        {
            var index = _pending.BinarySearch(item, Comparer<QueueItem>.Create(QueueItem.Compare));
            _pending.Insert(index < 0 ? ~index : index, item);
            Changed();
        }
        _signal.Writer.TryWrite(true);
    }

    public async Task<QueueItem> DequeueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_pending.Count > 0)
                {
                    var item = _pending[0];
                    _pending.RemoveAt(0);
                    _running = item;
                    Changed();
                    return item;
                }
            }
            await _signal.Reader.ReadAsync(cancellationToken);
        }
    }

    /// <summary>Moves the running prompt to history, then tells everyone the queue shrank.</summary>
    public void Complete(QueueItem item, JsonObject historyEntry)
    {
        lock (_gate)
        {
            history.Add(item.PromptId, historyEntry);
            if (ReferenceEquals(_running, item))
            {
                _running = null;
            }
            Changed();
        }
    }

    public QueueItem? Running
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    public (IReadOnlyList<QueueItem> Running, IReadOnlyList<QueueItem> Pending) Snapshot()
    {
        lock (_gate)
        {
            return (_running is null ? [] : [_running], [.. _pending]);
        }
    }

    public void Delete(string promptId) => TryDelete(promptId);

    /// <summary>Removes a pending prompt; false when it is not pending (any more), as ComfyUI's delete_queue_item returns.</summary>
    public bool TryDelete(string promptId)
    {
        lock (_gate)
        {
            var index = _pending.FindIndex(p => p.PromptId == promptId);
            if (index < 0)
            {
                return false;
            }
            if (_pending.Count == 1)
            {
                // ComfyUI wipes the queue when deleting its last item, and both steps announce a change.
                Clear();
            }
            else
            {
                _pending.RemoveAt(index);
            }
            Changed();
            return true;
        }
    }

    /// <summary>
    /// ComfyUI's interrupt_if_running: runs <paramref name="interrupt"/> only while <paramref name="promptId"/> is
    /// still the running prompt (under the queue lock, so it cannot land on a prompt that started meanwhile).
    /// </summary>
    public bool InterruptIfRunning(string promptId, Action interrupt)
    {
        lock (_gate)
        {
            if (_running?.PromptId != promptId)
            {
                return false;
            }
            interrupt();
            return true;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _pending.Clear();
            Changed();
        }
    }

    private void Changed()
    {
        var remaining = _pending.Count + (_running is null ? 0 : 1);
        Volatile.Write(ref _remaining, remaining);
        messenger.QueueStatus(remaining);
    }
}
