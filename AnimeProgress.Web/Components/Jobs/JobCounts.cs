using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.Components.Jobs;

/// <summary>The dashboard's four counters.</summary>
public sealed record JobCounts(int Running, int Queued, int CompletedToday, int FailedToday)
{
    public static JobCounts From(IEnumerable<JobSnapshot> jobs, DateTimeOffset startOfDay)
    {
        int running = 0, queued = 0, completed = 0, failed = 0;
        foreach (var job in jobs)
        {
            switch (job.Status)
            {
                case JobStatus.Running: running++; break;
                case JobStatus.Queued: queued++; break;
                case JobStatus.Completed when job.FinishedAt >= startOfDay: completed++; break;
                case JobStatus.Failed when job.FinishedAt >= startOfDay: failed++; break;
            }
        }

        return new JobCounts(running, queued, completed, failed);
    }
}
