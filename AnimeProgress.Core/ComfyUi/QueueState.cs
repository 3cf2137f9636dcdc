namespace AnimeProgress.Core.ComfyUi;

/// <summary><c>GET /queue</c>: the running prompt (0 or 1) and the pending ones in execution order.</summary>
public sealed record QueueState(IReadOnlyList<QueueItem> Running, IReadOnlyList<QueueItem> Pending)
{
    // Built on first use: a reconcile asks the position of every job it follows, and a queue can hold tens of
    // thousands of prompts, so a scan per question would make one reconcile quadratic in the queue's length.
    private Dictionary<string, int>? _pendingPositions;

    public static QueueState Empty { get; } = new([], []);

    public bool Contains(string promptId) =>
        Running.Any(i => i.PromptId == promptId) || PositionOf(promptId) is not null;

    /// <summary>1-based position among pending prompts, or null. O(1) after the first call.</summary>
    public int? PositionOf(string promptId)
    {
        var positions = _pendingPositions ??= IndexPending(Pending);
        return positions.TryGetValue(promptId, out var position) ? position : null;
    }

    // The index is a cache of Pending, not part of the value: equality stays that of the two lists.
    public bool Equals(QueueState? other) =>
        other is not null && ReferenceEquals(Running, other.Running) && ReferenceEquals(Pending, other.Pending);

    public override int GetHashCode() => HashCode.Combine(Running, Pending);

    private static Dictionary<string, int> IndexPending(IReadOnlyList<QueueItem> pending)
    {
        var positions = new Dictionary<string, int>(pending.Count, StringComparer.Ordinal);
        for (var i = 0; i < pending.Count; i++)
        {
            // A prompt id listed twice keeps its first (earliest) place, as the scan it replaces did.
            positions.TryAdd(pending[i].PromptId, i + 1);
        }

        return positions;
    }
}
