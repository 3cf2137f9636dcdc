using System.Collections.Concurrent;
using AnimeProgress.Core.Hub;

namespace AnimeProgress.Web.Relay;

/// <summary>
/// The prompts sent through the relay, by instance and prompt id: whose messages they are and who may act on them.
/// Kept in memory (a node's relay hands on what its own socket receives); an ended prompt is forgotten after
/// <see cref="KeepEnded"/>, so the map holds the queue plus a little history, not every prompt ever relayed.
/// </summary>
public sealed class RelayedPrompts(TimeProvider time, ProgressHub hub)
{
    public static readonly TimeSpan KeepEnded = TimeSpan.FromMinutes(30);

    private readonly ConcurrentDictionary<(string Instance, string PromptId), RelayedPrompt> _prompts = new();
    private DateTimeOffset _nextSweep;

    /// <summary>Adds the prompt unless its id is already relayed on that instance (a client may not take over another's prompt).</summary>
    public bool TryAdd(RelayedPrompt prompt)
    {
        Sweep();
        prompt.AddedAt = time.GetUtcNow();
        return _prompts.TryAdd((prompt.Instance, prompt.PromptId), prompt);
    }

    public RelayedPrompt? Find(string instance, string? promptId) =>
        promptId is not null && _prompts.TryGetValue((instance, promptId), out var prompt) ? prompt : null;

    /// <summary>Whether any instance has a relayed prompt with this id (the fleet relay takes no id in use).</summary>
    public bool IsRelayedAnywhere(string promptId) => _prompts.Keys.Any(k => k.PromptId == promptId);

    /// <summary>Removes this entry (and not another that has the same id since).</summary>
    public void Remove(RelayedPrompt prompt) =>
        _prompts.TryRemove(new KeyValuePair<(string, string), RelayedPrompt>((prompt.Instance, prompt.PromptId), prompt));

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
            // A prompt that never sent its last message (deleted while pending, lost with its instance) ends with its
            // job; one whose job the hub never showed is given up after a day.
            var job = prompt.EndedAt is null ? hub.Find(prompt.JobId) : null;
            if (prompt.EndedAt is null && (job is { IsTerminal: true } || (job is null && now - prompt.AddedAt > TimeSpan.FromDays(1))))
            {
                prompt.EndedAt = now;
            }

            if (prompt.EndedAt is { } ended && now - ended > KeepEnded)
            {
                _prompts.TryRemove(key, out _);
            }
        }
    }
}
