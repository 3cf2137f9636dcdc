using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.Components.Jobs;

/// <summary>What the dashboard lists, in order: running first, then queued, then the most recently finished.</summary>
public static class JobOrdering
{
    public static List<JobSnapshot> ForDashboard(IEnumerable<JobSnapshot> jobs, int recentFinished)
    {
        var all = jobs.ToList();
        var running = all.Where(j => j.Status == JobStatus.Running).OrderBy(j => j.StartedAt).ThenBy(j => j.Id);
        var queued = all.Where(j => j.Status == JobStatus.Queued).OrderBy(j => j.QueuePosition ?? int.MaxValue).ThenBy(j => j.Id);
        var finished = all.Where(j => j.IsTerminal).OrderByDescending(j => j.FinishedAt).ThenByDescending(j => j.Id).Take(recentFinished);
        return [.. running, .. queued, .. finished];
    }
}
