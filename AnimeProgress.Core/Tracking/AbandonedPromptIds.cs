using System.Collections.Concurrent;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// Prompt ids the fleet queue abandoned on an unreachable instance (the job was sent elsewhere under a new id): when that
/// instance is back still listing one, it is not discovered as a new job of its own; the dispatcher deletes it there
/// or reports that it ran (issue 16 item 7). Kept for the life of the process: a few ids per outage.
/// </summary>
internal sealed class AbandonedPromptIds
{
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);

    public void Add(string promptId) => _ids.TryAdd(promptId, 0);

    public bool Contains(string promptId) => _ids.ContainsKey(promptId);
}
