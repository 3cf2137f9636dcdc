namespace AnimeProgress.Core.Cluster;

/// <summary>
/// Whether this node ingests from ComfyUI (and writes what it sees) right now. A single node is granted
/// from the start; in a cluster the leader election grants and revokes it. Work that may only run on the
/// leader waits for a lease and stops when the lease's token is cancelled.
/// </summary>
public sealed class IngestionGate : IDisposable
{
    private readonly Lock _gate = new();
    private CancellationTokenSource? _lease;
    private DateTimeOffset? _leaderSince;
    private TaskCompletionSource<CancellationToken> _granted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsLeader
    {
        get
        {
            lock (_gate)
            {
                return _lease is not null;
            }
        }
    }

    /// <summary>When the current lease began; null while not leading.</summary>
    public DateTimeOffset? LeaderSince
    {
        get
        {
            lock (_gate)
            {
                return _leaderSince;
            }
        }
    }

    /// <summary>Raised after every grant (true) and revoke (false).</summary>
    public event Action<bool>? Changed;

    public void Grant(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_lease is not null)
            {
                return;
            }

            _lease = new CancellationTokenSource();
            _leaderSince = now;
            _granted.TrySetResult(_lease.Token);
        }

        Changed?.Invoke(true);
    }

    public void Revoke()
    {
        CancellationTokenSource? lease;
        lock (_gate)
        {
            lease = _lease;
            if (lease is null)
            {
                return;
            }

            _lease = null;
            _leaderSince = null;
            _granted = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        // Not disposed: holders of the token may still register on it after the cancel.
        lease.Cancel();
        Changed?.Invoke(false);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _lease?.Dispose();
            _lease = null;
        }
    }

    /// <summary>Waits until this node leads; the token returned is cancelled when it stops leading.</summary>
    public Task<CancellationToken> WaitForLeaseAsync(CancellationToken cancellationToken)
    {
        Task<CancellationToken> granted;
        lock (_gate)
        {
            granted = _granted.Task;
        }

        return granted.WaitAsync(cancellationToken);
    }
}
