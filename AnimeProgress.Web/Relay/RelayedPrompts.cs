using System.Collections.Concurrent;

namespace AnimeProgress.Web.Relay;

/// <summary>
/// The prompts sent through the relay, by instance and prompt id: whose messages they are and who may act on them.
/// Kept in memory (a node's relay hands on what its own socket receives); an ended prompt is forgotten after
/// <see cref="KeepEnded"/>, so the map holds the queue plus a little history, not every prompt ever relayed.
/// </summary>
public sealed class RelayedPrompts(TimeProvider time)
{
    public static readonly TimeSpan KeepEnded = TimeSpan.FromMinutes(30);

    private readonly ConcurrentDictionary<(string Instance, string PromptId), RelayedPrompt> _prompts = new();
    private DateTimeOffset _nextSweep;

    public int Count => _prompts.Count;

    public void Add(RelayedPrompt prompt)
    {
        Sweep();
        _prompts[(prompt.Instance, prompt.PromptId)] = prompt;
    }

    public RelayedPrompt? Find(string instance, string? promptId) =>
        promptId is not null && _prompts.TryGetValue((instance, promptId), out var prompt) ? prompt : null;

    public void Remove(string instance, string promptId) => _prompts.TryRemove((instance, promptId), out _);

    public void Ended(RelayedPrompt prompt) => prompt.EndedAt ??= time.GetUtcNow();

    private void Sweep()
    {
        var now = time.GetUtcNow();
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + TimeSpan.FromMinutes(1);
        foreach (var (key, prompt) in _prompts)
        {
            if (prompt.EndedAt is { } ended && now - ended > KeepEnded)
            {
                _prompts.TryRemove(key, out _);
            }
        }
    }
}
