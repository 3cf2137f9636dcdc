using System.Collections.Concurrent;

namespace AnimeProgress.Web.Relay;

/// <summary>The relay's view of one instance: the clients listening there, the queue length, the relayed prompt running.</summary>
internal sealed class InstanceRelay
{
    private const int KnownPrompts = 512;

    // Touched only by the instance's socket reader (one thread at a time).
    private readonly Queue<string> _order = new();
    private readonly Dictionary<string, bool> _owners = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, RelayClient> Clients { get; } = new(StringComparer.Ordinal);

    public volatile int QueueRemaining;

    /// <summary>The relayed prompt running now, for a reconnecting client's replay.</summary>
    public volatile RelayedPrompt? Running;

    /// <summary>The instance's answer to <c>/features</c>, read once per connection.</summary>
    public volatile string? FeaturesJson;

    /// <summary>
    /// Whether a prompt that was not relayed is AnimeProgress's own (its messages go to nobody else) or one posted
    /// without a client id (they go to everyone); null until known. The last few hundred answers are kept.
    /// </summary>
    public bool? IsOwn(string promptId) => _owners.TryGetValue(promptId, out var own) ? own : null;

    public void Remember(string promptId, bool own)
    {
        if (_owners.TryAdd(promptId, own))
        {
            _order.Enqueue(promptId);
            if (_order.Count > KnownPrompts)
            {
                _owners.Remove(_order.Dequeue());
            }
        }
    }
}
