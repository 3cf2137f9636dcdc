namespace AnimeProgress.Core.ComfyUi.Loops;

/// <summary>
/// Remembers which <c>/history</c> entries of one instance were already handed over, so every prompt ComfyUI
/// finished is reported exactly once, however fast it ran (reference §5: the history keeps every executed
/// prompt, in completion order). It lives as long as the connection, so it survives reconnects; a ComfyUI
/// restart empties the history, and the new entries simply are not in it yet. Memory is bounded: it keeps
/// the newest <c>2 × maxWindow</c> ids (at least 1,024), more than any read can return.
/// </summary>
/// <param name="watchingSince">
/// When AnimeProgress began to watch the instance: entries that finished earlier were never live here and are
/// not reported (the store holds what was followed before a restart), only marked seen.
/// </param>
internal sealed class HistoryCursor(int initialWindow, int maxWindow, DateTimeOffset watchingSince)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly int _capacity = Math.Max(2 * maxWindow, 1024);
    private int? _lastTotal;

    /// <summary>How many ids are remembered now (bounded).</summary>
    public int Remembered => _seen.Count;

    /// <summary>
    /// Reads the newest entries through <paramref name="readNewest"/> (given a window size), widening the window while
    /// every entry in it is new (prompts may have finished beyond it), and returns the new ones in completion order.
    /// Nothing is marked seen unless the read succeeds.
    /// </summary>
    public Task<IReadOnlyList<HistoryEntry>> ReadNewAsync(
        Func<int, CancellationToken, Task<IReadOnlyList<HistoryEntry>>> readNewest, CancellationToken cancellationToken) =>
        ReadNewCountedAsync(async (window, ct) => (await readNewest(window, ct), (int?)null), cancellationToken);

    /// <summary>
    /// As above, for a source that also says how many finished entries it holds in all (the job API's
    /// <c>pagination.total</c>) and that orders them by creation rather than completion: a prompt created early that
    /// finished after later ones may sit beyond the window, so the window also widens while fewer new entries were found
    /// than the total grew by since the last read.
    /// </summary>
    public async Task<IReadOnlyList<HistoryEntry>> ReadNewCountedAsync(
        Func<int, CancellationToken, Task<(IReadOnlyList<HistoryEntry> Entries, int? Total)>> readNewest, CancellationToken cancellationToken)
    {
        var window = Math.Min(initialWindow, maxWindow);
        while (true)
        {
            var (entries, total) = await readNewest(window, cancellationToken);
            var fresh = entries.Where(IsNew).ToList();
            var expected = total is { } now && _lastTotal is { } before && now >= before ? now - before : 0;
            var mayMissSome = fresh.Count == entries.Count || fresh.Count < expected;
            if (entries.Count >= window && mayMissSome && window < maxWindow)
            {
                window = Math.Min(window * 2, maxWindow);
                continue;
            }

            foreach (var entry in entries)
            {
                Remember(entry.PromptId);
            }

            _lastTotal = total;
            return fresh;
        }
    }

    private bool IsNew(HistoryEntry entry) =>
        !_seen.Contains(entry.PromptId) && (entry.FinishedAt ?? entry.StartedAt ?? DateTimeOffset.MaxValue) >= watchingSince;

    private void Remember(string promptId)
    {
        if (!_seen.Add(promptId))
        {
            return;
        }

        _order.Enqueue(promptId);
        while (_order.Count > _capacity)
        {
            _seen.Remove(_order.Dequeue());
        }
    }
}
