using AnimeProgress.Core.ComfyUi.Messages;

namespace AnimeProgress.Core.ComfyUi;

/// <summary>Something a connection observed on one ComfyUI instance, in the order it observed it.</summary>
public abstract record InstanceObservation(string Instance);

public sealed record InstanceConnected(string Instance, Uri BaseUrl) : InstanceObservation(Instance);

public sealed record InstanceDisconnected(string Instance, Uri BaseUrl, string? Error, int Attempt, DateTimeOffset? NextRetryAt)
    : InstanceObservation(Instance);

public sealed record InstanceEvent(string Instance, ComfyUiEvent Event) : InstanceObservation(Instance);

/// <summary>
/// A loop of the instance failed and is being restarted (<paramref name="Reason"/> says so in plain words, never
/// exception text), or, with a null reason, every loop of the instance runs again.
/// </summary>
public sealed record InstanceHealthChanged(string Instance, Uri BaseUrl, string? Reason) : InstanceObservation(Instance);

public sealed record InstanceStatsReceived(string Instance, SystemStats Stats) : InstanceObservation(Instance);

/// <summary>
/// What the instance's <c>/queue</c> and <c>/history</c> say about the jobs believed active there:
/// the truth after a reconnect or a queue change.
/// </summary>
/// <param name="AsOf">When the queue read began; jobs accepted later may simply not be in it yet.</param>
/// <param name="OwnClientId">AnimeProgress's client id on that instance, to tell its own prompts from other programs'.</param>
/// <param name="Finished">
/// History entries that appeared since the previous reconcile (each reported once), in completion order: prompts that
/// may have run and finished between two queue reads, whoever submitted them.
/// </param>
/// <param name="AfterOutage">
/// The first successful read after the instance was unreachable: a job believed queued or running that is in neither
/// the queue nor the history was lost with a restart, not deleted.
/// </param>
public sealed record InstanceReconciled(
    string Instance,
    QueueState Queue,
    IReadOnlyDictionary<string, HistoryEntry?> History,
    DateTimeOffset AsOf,
    string? OwnClientId = null,
    IReadOnlyList<HistoryEntry>? Finished = null,
    bool AfterOutage = false)
    : InstanceObservation(Instance);
