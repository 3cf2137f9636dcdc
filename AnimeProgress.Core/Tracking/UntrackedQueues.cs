using System.Collections.Concurrent;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// Per instance, the prompts its last queue read held beyond the cap, in queue order. Written on the tracker's loop
/// (each read replaces the whole list), read by the API from any thread.
/// </summary>
internal sealed class UntrackedQueues
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<UntrackedPrompt>> _byInstance = new(StringComparer.Ordinal);

    public IReadOnlyList<UntrackedPrompt> Of(string instance) => _byInstance.GetValueOrDefault(instance) ?? [];

    public void Set(string instance, IReadOnlyList<UntrackedPrompt> prompts)
    {
        if (prompts.Count == 0)
        {
            _byInstance.TryRemove(instance, out _);
        }
        else
        {
            _byInstance[instance] = prompts;
        }
    }

    public void Clear() => _byInstance.Clear();
}
