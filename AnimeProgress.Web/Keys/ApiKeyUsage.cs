using System.Collections.Concurrent;

namespace AnimeProgress.Web.Keys;

/// <summary>
/// When each key was last accepted, kept in memory by the request (a dictionary write, no I/O) and written to
/// <c>api_keys.last_used_at</c> by <see cref="ApiKeyUsageWriter"/> once a minute: a busy script never waits on it.
/// </summary>
public sealed class ApiKeyUsage
{
    private readonly ConcurrentDictionary<long, DateTimeOffset> _pending = new();

    public void Record(long keyId, DateTimeOffset at)
    {
        if (keyId > 0)
        {
            _pending[keyId] = at;
        }
    }

    /// <summary>Takes what was recorded since the last call.</summary>
    public IReadOnlyList<(long KeyId, DateTimeOffset At)> Drain()
    {
        var taken = new List<(long, DateTimeOffset)>(_pending.Count);
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var at))
            {
                taken.Add((id, at));
            }
        }

        return taken;
    }
}
