using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Persistence;

/// <summary>A pending change to one <c>production_jobs</c> row: the newest snapshot, or (no snapshot) its removal.</summary>
public readonly record struct JobWrite(long Id, JobSnapshot? Snapshot)
{
    public static JobWrite Upsert(JobSnapshot snapshot) => new(snapshot.Id, snapshot);

    public static JobWrite Delete(long id) => new(id, null);
}
