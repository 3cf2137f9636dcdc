using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Telemetry;

namespace AnimeProgress.Core.Tracking;

/// <summary>Hands the tracker's jobs to the hub: a new job as it is, a changed one after its derived values are refreshed.</summary>
internal sealed class JobPublisher(ProgressHub hub, SnapshotDeriver deriver, TimeProvider time)
{
    /// <summary>A job just created: its first snapshot is published as built.</summary>
    public void PublishNew(JobSnapshot snapshot) => hub.Publish(snapshot);

    /// <summary>Refreshes percent, rate, ETA and version, then publishes.</summary>
    public void Publish(TrackedJob job)
    {
        // Under the message span when one folds this job; the hub hands this span's context to every subscriber.
        using var span = JobTracing.StartUnder(JobTracing.Snapshot, JobTracing.CurrentContext(), job.Snapshot.Id);
        job.Snapshot = deriver.Derive(job, time.GetUtcNow(), hub.Find(job.Snapshot.Id)?.Version ?? 0);
        hub.Publish(job.Snapshot);
    }

    /// <summary>The job expired from the tracker: the hub drops it too.</summary>
    public void Forget(long jobId) => hub.Forget(jobId);

    /// <summary>The id is gone for good (merged into another job's): subscribers remove it.</summary>
    public void Retire(long jobId) => hub.Retire(jobId);

    public long VersionOf(long jobId) => hub.Find(jobId)?.Version ?? 0;
}
