using System.Diagnostics;
using System.Text.Json.Nodes;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Tracking;

/// <summary>Everything the tracker folds, in arrival order, on its one thread.</summary>
public abstract record TrackerCommand;

/// <summary>
/// A job AnimeProgress submits; registered before the POST so no early event is missed. A job that waits in the fleet
/// queue (Core/Queue) is registered without instance and prompt id; <see cref="JobDispatched"/> gives it both.
/// </summary>
public sealed record JobRegistration(
    string Title,
    JobKind Kind,
    string? Instance,
    string? PromptId,
    JsonObject Graph,
    int? FramesTotal = null)
{
    /// <summary>Who submitted it (issue 14); null when nobody is named.</summary>
    public string? SubmittedBy { get; init; }

    /// <summary>The submission's span: the job's later spans join its trace (default while tracing is off).</summary>
    public ActivityContext Trace { get; init; }
}

public sealed record RegisterJob(long JobId, JobRegistration Registration) : TrackerCommand
{
    /// <summary>Completed once the job is published, for a caller that answers with the job's address right after.</summary>
    public TaskCompletionSource? Registered { get; init; }
}

public sealed record SubmissionAccepted(long JobId) : TrackerCommand;

/// <summary>
/// The fleet queue chose an instance and a prompt id for a job, before sending it: from here the job is followed on that
/// instance. If the tracker does not know the job (restarted since), the registration makes it anew; if the prompt is
/// already followed under another id (discovered in ComfyUI first), it continues under this job's id.
/// </summary>
public sealed record JobDispatched(long JobId, JobRegistration Registration) : TrackerCommand;

/// <summary>A job left the fleet queue without reaching ComfyUI (cancelled while it waited): it ends with this status and reason.</summary>
public sealed record JobWithdrawn(long JobId, JobStatus Status, string Reason) : TrackerCommand;

public sealed record SubmissionFailed(long JobId, string Error) : TrackerCommand;

/// <summary>Something a ComfyUI connection observed (connected, disconnected, an event, stats, a reconcile).</summary>
public sealed record InstanceObserved(InstanceObservation Observation) : TrackerCommand;

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
