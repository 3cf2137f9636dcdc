using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>
/// Decides what a row read back from the database means for this node's hub: on a follower every job is shown
/// as the database has it; on the leader, jobs its own tracker follows are skipped, and a row another program wrote
/// that names a ComfyUI prompt is handed to the tracker to follow.
/// </summary>
internal sealed class ChangedRowPublisher(
    ProgressHub hub,
    ProgressTracker tracker,
    IngestionGate ingestion,
    TrackerOptions trackerOptions,
    TimeProvider time)
{
    private long _published;

    /// <summary>Rows published because the database held something newer than the hub.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>
    /// Shows a row unless the hub already shows exactly it, or this node's tracker follows the job (the row is
    /// then this node's own write, or another program's value for a job ComfyUI tells us about first-hand).
    /// </summary>
    public void Apply(ProductionJobRow row)
    {
        var leading = ingestion.IsLeader;
        if (leading && tracker.IsFollowing(row.Id))
        {
            return;
        }

        var snapshot = JobRowMapper.ToSnapshot(row);
        if (leading && snapshot is { Source: JobSource.Database, PromptId: not null })
        {
            tracker.Post(new AdoptJob(snapshot));
        }

        var current = hub.Find(row.Id);
        if (current is not null && current == snapshot with { Version = current.Version })
        {
            return;
        }

        // The row's version when it is ahead (another node's write), so every node shows the same, ever-growing numbers.
        // Counted first, so whoever sees the job in the hub also sees it counted.
        Interlocked.Increment(ref _published);
        hub.Publish(snapshot with { Version = StoredVersions.Shown(row.Version, current?.Version) });
    }

    /// <summary>A deleted row's job leaves the dashboards, unless this node's tracker follows it (then ComfyUI says what it is).</summary>
    public void Remove(long id)
    {
        if (ingestion.IsLeader && tracker.IsFollowing(id))
        {
            return;
        }

        hub.Forget(id);
    }

    /// <summary>The ingesting node's view of each ComfyUI machine; the leader has its own, first-hand.</summary>
    public void ApplyInstances(List<ComfyUiInstanceRow> rows)
    {
        if (ingestion.IsLeader)
        {
            return;
        }

        foreach (var status in rows.Select(InstanceStatusStore.Read).OfType<InstanceStatus>())
        {
            hub.Publish(status);
        }
    }

    /// <summary>
    /// A node that does not ingest keeps finished jobs as long as the leader's tracker does (which forgets them on
    /// the leader); without this a follower's memory and list would only grow.
    /// </summary>
    public void ForgetOldFinished()
    {
        if (ingestion.IsLeader)
        {
            return;
        }

        var cutoff = time.GetUtcNow() - trackerOptions.FinishedRetention;
        var finished = hub.Jobs.Where(j => j.IsTerminal).OrderByDescending(j => j.FinishedAt ?? j.UpdatedAt).ToList();
        foreach (var job in finished.Skip(trackerOptions.MaxFinishedRetained).Concat(finished.Where(j => (j.FinishedAt ?? j.UpdatedAt) < cutoff)))
        {
            hub.Forget(job.Id);
        }
    }
}
