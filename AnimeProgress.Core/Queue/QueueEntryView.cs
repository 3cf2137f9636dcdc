using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Queue;

/// <summary>One job of the fleet queue as people see it: in dispatch order, where it will run or why it waits.</summary>
public sealed record QueueEntryView(
    long JobId,
    string Title,
    JobKind Kind,
    int Priority,
    string? SubmittedBy,
    DateTimeOffset SubmittedAt,
    JobNeeds Needs,
    string? PinnedInstance,
    long? RetryOf,
    QueueEntryState State,
    string? Instance,
    string Reason);

/// <summary>The fleet queue: paused or not, the jobs being sent, then the waiting ones in dispatch order.</summary>
public sealed record QueueView(bool Paused, IReadOnlyList<QueueEntryView> Entries, IReadOnlyList<InstanceCapability> Instances);
