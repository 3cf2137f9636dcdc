using System.Text.Json.Nodes;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Tracking;

/// <summary>Everything the tracker folds, in arrival order, on its one thread.</summary>
public abstract record TrackerCommand;

/// <summary>A job AnimeProgress submits; registered before the POST so no early event is missed.</summary>
public sealed record JobRegistration(
    string Title,
    JobKind Kind,
    string Instance,
    string PromptId,
    JsonObject Graph,
    int? FramesTotal = null);

public sealed record RegisterJob(long JobId, JobRegistration Registration) : TrackerCommand;

public sealed record SubmissionAccepted(long JobId) : TrackerCommand;

public sealed record SubmissionFailed(long JobId, string Error) : TrackerCommand;

public sealed record InstanceEvent(string Instance, ComfyUiEvent Event) : TrackerCommand;

public sealed record InstanceConnected(string Instance, Uri BaseUrl) : TrackerCommand;

public sealed record InstanceDisconnected(string Instance, Uri BaseUrl, string? Error, int Attempt, DateTimeOffset? NextRetryAt) : TrackerCommand;

public sealed record InstanceStatsReceived(string Instance, SystemStats Stats) : TrackerCommand;

/// <summary>
/// What the instance's <c>/queue</c> and <c>/history</c> say about the jobs the tracker thinks
/// are active there: the truth after a reconnect.
/// </summary>
/// <param name="AsOf">When the queue read began; jobs accepted later may simply not be in it yet.</param>
/// <param name="OwnClientId">AnimeProgress's client id on that instance, to tell its own prompts from other programs'.</param>
public sealed record InstanceReconciled(
    string Instance, QueueState Queue, IReadOnlyDictionary<string, HistoryEntry?> History, DateTimeOffset AsOf, string? OwnClientId = null) : TrackerCommand;

/// <summary>Jobs read back from the store at start-up.</summary>
public sealed record RestoreJobs(IReadOnlyList<JobSnapshot> Jobs) : TrackerCommand;

public sealed record ClockTick : TrackerCommand;

/// <summary>This node stopped ingesting (another node leads now): forget everything the tracker followed.</summary>
public sealed record ReleaseJobs : TrackerCommand;

/// <summary>
/// A row another program wrote names a ComfyUI prompt id: the job is the one the fleet sees for that prompt.
/// If the tracker already follows that prompt under another id, it continues under the row's id.
/// </summary>
public sealed record AdoptJob(JobSnapshot Row) : TrackerCommand;
