using System.Collections.Concurrent;

namespace AnimeProgress.Web.Accounts.Sessions;

/// <summary>
/// Every open circuit, circuit connection and /ws socket of this node that came in as a stored account or key (or as
/// the first start's local Admin), with what it came in with. Registering and leaving are O(1); the sweep reads a
/// snapshot and asks the database once per sweep for all of their distinct accounts and keys together.
/// </summary>
public sealed class OpenSessions
{
    private readonly ConcurrentDictionary<long, Entry> _sessions = new();
    private long _nextId;

    public int Count => _sessions.Count;

    /// <summary>Follows a session until the returned handle is disposed; null (nothing to follow) for anyone else.</summary>
    public IDisposable? Register(SessionCredentials? credentials, ISessionEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        if (credentials is null)
        {
            return null;
        }

        var id = Interlocked.Increment(ref _nextId);
        var entry = new Entry(id, credentials, end, this);
        _sessions[id] = entry;
        return entry;
    }

    internal IReadOnlyCollection<Entry> Snapshot() => [.. _sessions.Values];

    internal sealed class Entry(long id, SessionCredentials credentials, ISessionEnd end, OpenSessions owner) : IDisposable
    {
        public SessionCredentials Credentials { get; } = credentials;

        public ISessionEnd End { get; } = end;

        public void Dispose() => owner._sessions.TryRemove(id, out _);
    }
}
