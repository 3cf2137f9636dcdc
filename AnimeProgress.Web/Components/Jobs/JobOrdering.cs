using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.Components.Jobs;

/// <summary>
/// What the dashboard lists, in order: running first, then queued (at most <see cref="MaxQueuedPerInstance"/> per
/// instance, the rest counted), then the most recently finished. The page stays the same size however long a queue is.
/// </summary>
public static class JobOrdering
{
    /// <summary>Queued cards shown per instance; the others become one "+N more queued" line.</summary>
    public const int MaxQueuedPerInstance = 25;

    public static DashboardList ForDashboard(IEnumerable<JobSnapshot> jobs, int recentFinished, IEnumerable<InstanceStatus> instances)
    {
        var all = jobs.ToList();
        var running = all.Where(j => j.Status == JobStatus.Running).OrderBy(j => j.StartedAt).ThenBy(j => j.Id);
        var shownPerInstance = new Dictionary<string, int>(StringComparer.Ordinal);
        var more = instances.Where(i => i.UntrackedQueued > 0).ToDictionary(i => i.Name, i => i.UntrackedQueued, StringComparer.Ordinal);
        var queued = new List<JobSnapshot>();
        foreach (var job in all.Where(j => j.Status == JobStatus.Queued).OrderBy(j => j.QueuePosition ?? int.MaxValue).ThenBy(j => j.Id))
        {
            var instance = job.Instance ?? "";
            var shown = shownPerInstance.GetValueOrDefault(instance);
            if (shown < MaxQueuedPerInstance)
            {
                queued.Add(job);
                shownPerInstance[instance] = shown + 1;
            }
            else
            {
                more[instance] = more.GetValueOrDefault(instance) + 1;
            }
        }

        var finished = all.Where(j => j.IsTerminal).OrderByDescending(j => j.FinishedAt).ThenByDescending(j => j.Id).Take(recentFinished);
        List<JobSnapshot> active = [.. running, .. queued];
        return new DashboardList(
            [.. active, .. finished],
            active.Count,
            [.. more.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new MoreQueued(m.Key, m.Value))]);
    }
}

/// <param name="Jobs">The cards, in order.</param>
/// <param name="ActiveCount">The running and queued cards at the head of <paramref name="Jobs"/>; the "+N more" lines follow them.</param>
/// <param name="MoreQueued">Per instance, the queued prompts not shown as cards.</param>
public sealed record DashboardList(List<JobSnapshot> Jobs, int ActiveCount, IReadOnlyList<MoreQueued> MoreQueued);

/// <summary>Queued prompts of one instance that have no card: followed jobs past the first few, and prompts beyond the tracking cap.</summary>
public sealed record MoreQueued(string Instance, int Count);
