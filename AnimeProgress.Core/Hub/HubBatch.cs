using System.Diagnostics;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Hub;

/// <summary>What changed since a subscriber's last batch: the newest snapshot per job and per instance.</summary>
public sealed record HubBatch(IReadOnlyList<JobSnapshot> Jobs, IReadOnlyList<InstanceStatus> Instances)
{
    /// <summary>Ids of jobs that no longer exist (deleted from the database, retired, past retention).</summary>
    public IReadOnlyList<long> Removed { get; init; } = [];

    /// <summary>
    /// For each traced job in the batch, the span of its delivery to this subscriber: a renderer starts its own span under
    /// it, so the render joins the job's trace. Empty while tracing is off.
    /// </summary>
    public IReadOnlyDictionary<long, ActivityContext> Traces { get; init; } = NoTraces;

    internal static readonly IReadOnlyDictionary<long, ActivityContext> NoTraces = new Dictionary<long, ActivityContext>();
}
