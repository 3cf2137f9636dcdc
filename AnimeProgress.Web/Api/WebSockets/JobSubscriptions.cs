namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>
/// The jobs one client asked for with subscribe_job. None means every job, as the protocol says.
/// Written by the receive loop and read by the writer, so the set is replaced whole on each change.
/// </summary>
internal sealed class JobSubscriptions(int limit)
{
    private volatile HashSet<long>? _jobs;

    public bool Wants(long jobId) => _jobs is not { } set || set.Contains(jobId);

    /// <summary>False, and nothing changes, when the client already follows <paramref name="limit"/> other jobs.</summary>
    public bool TryAdd(long jobId)
    {
        var current = _jobs;
        if (current is not null && !current.Contains(jobId) && current.Count >= limit)
        {
            return false;
        }

        _jobs = current is null ? [jobId] : [.. current, jobId];
        return true;
    }

    public void Remove(long jobId)
    {
        if (_jobs is { } current && current.Contains(jobId))
        {
            var next = new HashSet<long>(current);
            next.Remove(jobId);
            // With no subscription left the client is back to every job.
            _jobs = next.Count == 0 ? null : next;
        }
    }
}
