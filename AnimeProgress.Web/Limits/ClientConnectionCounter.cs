namespace AnimeProgress.Web.Limits;

/// <summary>
/// Open long-lived connections per client (WebSockets, dashboard circuits). A client holds a slot for as long as
/// its connection's request runs; clients with none leave no entry behind, so the table stays as small as the
/// set of connected clients.
/// </summary>
public sealed class ClientConnectionCounter
{
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Open connections of <paramref name="client"/>.</summary>
    public int OpenBy(string client)
    {
        lock (_lock)
        {
            return _open.GetValueOrDefault(client);
        }
    }

    /// <summary>Takes a slot when the client holds fewer than <paramref name="max"/>; dispose the lease when the connection ends.</summary>
    public bool TryAcquire(string client, int max, out IDisposable? lease)
    {
        lock (_lock)
        {
            var open = _open.GetValueOrDefault(client);
            if (open >= max)
            {
                lease = null;
                return false;
            }

            _open[client] = open + 1;
        }

        lease = new Lease(this, client);
        return true;
    }

    private void Release(string client)
    {
        lock (_lock)
        {
            var open = _open.GetValueOrDefault(client) - 1;
            if (open <= 0)
            {
                _open.Remove(client);
            }
            else
            {
                _open[client] = open;
            }
        }
    }

    private sealed class Lease(ClientConnectionCounter counter, string client) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                counter.Release(client);
            }
        }
    }
}
