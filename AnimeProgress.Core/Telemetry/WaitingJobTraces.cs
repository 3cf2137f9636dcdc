using System.Collections.Concurrent;
using System.Diagnostics;

namespace AnimeProgress.Core.Telemetry;

/// <summary>
/// The submission span of each job waiting in the fleet queue, so its dispatch (later, on the dispatcher's loop) joins
/// the same trace. Kept in memory only while tracing is on: after a restart a job's dispatch starts no span, as its
/// submission's trace has ended with the process. Bounded, so a queue that never drains cannot grow it without end.
/// </summary>
public sealed class WaitingJobTraces
{
    private const int MaxKept = 100_000;
    private readonly ConcurrentDictionary<long, ActivityContext> _traces = new();

    public void Remember(long jobId, ActivityContext trace)
    {
        if (trace != default && _traces.Count < MaxKept)
        {
            _traces[jobId] = trace;
        }
    }

    /// <summary>The job's submission context (default when none is known), forgotten once taken.</summary>
    public ActivityContext Take(long jobId) => _traces.TryRemove(jobId, out var trace) ? trace : default;
}
