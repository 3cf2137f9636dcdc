using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// The jobs the tracker follows, found by id or by ComfyUI prompt id, and the prompt each instance is
/// running. Written only on the tracker's loop.
/// </summary>
internal sealed class JobTable
{
    // Concurrent only so Contains can be asked from other threads; all writes happen on the loop.
    private readonly ConcurrentDictionary<long, TrackedJob> _jobs = new();
    private readonly Dictionary<string, long> _byPrompt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _runningPrompt = new(StringComparer.Ordinal);

    public ICollection<TrackedJob> Jobs => _jobs.Values;

    public bool Contains(long id) => _jobs.ContainsKey(id);

    public bool TryGet(long id, [NotNullWhen(true)] out TrackedJob? job) => _jobs.TryGetValue(id, out job);

    public bool TryGetIdOfPrompt(string promptId, out long id) => _byPrompt.TryGetValue(promptId, out id);

    public TrackedJob? FindByPrompt(string? promptId) =>
        promptId is not null && _byPrompt.TryGetValue(promptId, out var id) && _jobs.TryGetValue(id, out var job) ? job : null;

    /// <summary>Adds or replaces the job under its snapshot's id, and indexes its prompt.</summary>
    public void Put(TrackedJob job)
    {
        _jobs[job.Snapshot.Id] = job;
        if (job.Snapshot.PromptId is { } promptId)
        {
            _byPrompt[promptId] = job.Snapshot.Id;
        }
    }

    public bool Remove(long id, [NotNullWhen(true)] out TrackedJob? job)
    {
        if (!_jobs.TryRemove(id, out job))
        {
            return false;
        }

        if (job.Snapshot.PromptId is { } promptId)
        {
            _byPrompt.Remove(promptId);
        }

        return true;
    }

    /// <summary>Jobs on an instance that are queued or running and carry a prompt id.</summary>
    public List<TrackedJob> ActiveOn(string instance) =>
        [.. _jobs.Values.Where(j => j.Snapshot.Instance == instance && j.Snapshot.Status.IsActive() && j.Snapshot.PromptId is not null)];

    public string? RunningPrompt(string instance) => _runningPrompt.GetValueOrDefault(instance);

    public void SetRunningPrompt(string instance, string? promptId)
    {
        if (promptId is null)
        {
            _runningPrompt.Remove(instance);
        }
        else
        {
            _runningPrompt[instance] = promptId;
        }
    }

    public void Clear()
    {
        _jobs.Clear();
        _byPrompt.Clear();
        _runningPrompt.Clear();
    }
}
