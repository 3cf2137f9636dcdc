using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Hub;

/// <summary>What changed since a subscriber's last batch: the newest snapshot per job and per instance.</summary>
public sealed record HubBatch(IReadOnlyList<JobSnapshot> Jobs, IReadOnlyList<InstanceStatus> Instances)
{
    /// <summary>Ids of jobs that no longer exist (deleted from the database, retired, past retention).</summary>
    public IReadOnlyList<long> Removed { get; init; } = [];
}
