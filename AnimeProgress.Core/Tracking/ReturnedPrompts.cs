using System.Collections.Concurrent;

namespace AnimeProgress.Core.Tracking;

/// <summary>A fleet-queue job whose prompt ComfyUI lost before it started, handed back under the prompt id it was sent as.</summary>
public sealed record ReturnedPrompt(long JobId, string Instance, string PromptId);

/// <summary>
/// Jobs of the fleet queue that an instance lost while they were pending (it went offline and came back without them):
/// the tracker shows them waiting again and leaves them here; the dispatcher, which owns the queue's rows, takes them,
/// puts each row back to waiting at its old place, and sends it again under a new prompt id (issue 16 item 7).
/// </summary>
internal sealed class ReturnedPrompts
{
    private readonly ConcurrentQueue<ReturnedPrompt> _returned = new();

    public void Add(ReturnedPrompt prompt) => _returned.Enqueue(prompt);

    public List<ReturnedPrompt> TakeAll()
    {
        var taken = new List<ReturnedPrompt>();
        while (_returned.TryDequeue(out var prompt))
        {
            taken.Add(prompt);
        }

        return taken;
    }
}
