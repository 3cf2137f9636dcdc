using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Queue;

/// <summary>
/// Whether one of AnimeProgress's own prompts waits (pending, not yet running) on an instance: then the dispatcher sends
/// nothing more there, so the order of what waits stays ours. Read from the hub, plus the job just sent that the
/// tracker may not have folded yet. Prompts other programs put there do not count here.
/// </summary>
public sealed class OwnPendingPrompts(ProgressHub hub)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _justSent = new(StringComparer.Ordinal);

    public void Sent(string instance, long jobId)
    {
        lock (_gate)
        {
            _justSent[instance] = jobId;
        }
    }

    /// <summary>Instances where one of our prompts waits now.</summary>
    public HashSet<string> BusyInstances()
    {
        var busy = new HashSet<string>(StringComparer.Ordinal);
        foreach (var job in hub.Jobs)
        {
            if (job is { Status: JobStatus.Queued, Source: JobSource.AnimeProgress, Instance: { } instance, PromptId: not null })
            {
                busy.Add(instance);
            }
        }

        lock (_gate)
        {
            foreach (var (instance, jobId) in _justSent.ToList())
            {
                var seen = hub.Find(jobId);
                if (seen is null || (seen.Instance != instance && !seen.IsTerminal))
                {
                    busy.Add(instance);
                }
                else
                {
                    _justSent.Remove(instance);
                }
            }
        }

        return busy;
    }
}
