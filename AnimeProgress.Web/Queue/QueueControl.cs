using System.Globalization;
using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Queue;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Submission;

namespace AnimeProgress.Web.Queue;

/// <summary>
/// Every action on the fleet queue as the REST API and the Queue page take it: who asks is checked first
/// (<see cref="QueuePermissions"/>), then <see cref="QueueActions"/> acts, and the outcome goes to the audit log, refusals
/// included. Cancel and retry also reach the tracker, so they run on the node that leads the fleet.
/// </summary>
public sealed class QueueControl(
    QueueActions actions,
    QueuePermissions permissions,
    FleetQueueStore store,
    ProgressHub hub,
    IngestionGate ingestion,
    AuditLog audit)
{
    private const string NotLeader = "Another AnimeProgress node leads the fleet; take this action there (or retry: leadership moves within seconds when a leader dies).";

    public Task<QueueActionResult> CancelAsync(QueueActor actor, long jobId, CancellationToken cancellationToken) =>
        OnJobAsync(actor, jobId, AuditActions.JobCancel, "cancel", null, () => actions.CancelAsync(jobId, cancellationToken), cancellationToken);

    public Task<QueueActionResult> RetryAsync(QueueActor actor, long jobId, CancellationToken cancellationToken) =>
        OnJobAsync(actor, jobId, AuditActions.JobRetry, "retry", null, () => actions.RetryAsync(jobId, Submitters.Of(actor.User), cancellationToken), cancellationToken);

    public Task<QueueActionResult> SetPriorityAsync(QueueActor actor, long jobId, int priority, CancellationToken cancellationToken) =>
        OperatorAsync(actor, AuditActions.JobPriority, Target(jobId), string.Create(CultureInfo.InvariantCulture, $"priority {priority}"), () => actions.SetPriorityAsync(jobId, priority, cancellationToken), cancellationToken);

    public Task<QueueActionResult> MoveAsync(QueueActor actor, long jobId, QueueMove move, CancellationToken cancellationToken) =>
        OperatorAsync(actor, AuditActions.JobMove, Target(jobId), move.Describe(), () => actions.MoveAsync(jobId, move, cancellationToken), cancellationToken);

    public Task<QueueActionResult> SetPausedAsync(QueueActor actor, bool paused, CancellationToken cancellationToken) =>
        OperatorAsync(actor, paused ? AuditActions.QueuePause : AuditActions.QueueResume, "queue", null, () => actions.SetPausedAsync(paused, Submitters.Of(actor.User), cancellationToken), cancellationToken);

    public Task<QueueActionResult> SetDrainingAsync(QueueActor actor, string instance, bool draining, CancellationToken cancellationToken) =>
        OperatorAsync(actor, draining ? AuditActions.InstanceDrain : AuditActions.InstanceResume, instance, null, () => actions.SetDrainingAsync(instance, draining, Submitters.Of(actor.User), cancellationToken), cancellationToken);

    public Task<QueueActionResult> SetLabelsAsync(QueueActor actor, string instance, IReadOnlyList<string?> labels, CancellationToken cancellationToken) =>
        OperatorAsync(actor, AuditActions.InstanceLabels, instance, string.Join(",", labels), () => actions.SetLabelsAsync(instance, labels, Submitters.Of(actor.User), cancellationToken), cancellationToken);

    /// <summary>Whether this user may act on this job at all (controls on the page are shown only then).</summary>
    public async Task<bool> MayActOnJobAsync(QueueActor actor, long jobId, CancellationToken cancellationToken) =>
        await permissions.MayActOnJobAsync(actor.User, await SubmitterOfAsync(jobId, cancellationToken), cancellationToken);

    private async Task<QueueActionResult> OnJobAsync(
        QueueActor actor, long jobId, string action, string verb, string? detail, Func<Task<QueueActionResult>> act, CancellationToken cancellationToken)
    {
        if (!await permissions.MayActOnJobAsync(actor.User, await SubmitterOfAsync(jobId, cancellationToken), cancellationToken))
        {
            return await RecordAsync(actor, action, Target(jobId), detail, QueueActionResult.Forbidden(
                $"Only an Operator or the job's submitter may {verb} job #{jobId}."));
        }

        if (!ingestion.IsLeader)
        {
            return await RecordAsync(actor, action, Target(jobId), detail, new QueueActionResult(QueueActionOutcome.NotLeader, NotLeader));
        }

        return await RecordAsync(actor, action, Target(jobId), detail, await act());
    }

    private async Task<QueueActionResult> OperatorAsync(
        QueueActor actor, string action, string target, string? detail, Func<Task<QueueActionResult>> act, CancellationToken cancellationToken)
    {
        if (!await permissions.MayOperateAsync(actor.User, cancellationToken))
        {
            return await RecordAsync(actor, action, target, detail, QueueActionResult.Forbidden("Only an Operator may change the order of the queue or the fleet's instances."));
        }

        return await RecordAsync(actor, action, target, detail, await act());
    }

    private async Task<QueueActionResult> RecordAsync(QueueActor actor, string action, string target, string? detail, QueueActionResult result)
    {
        var outcome = result.Outcome switch
        {
            QueueActionOutcome.Done => AuditOutcomes.Ok,
            QueueActionOutcome.Forbidden => AuditOutcomes.Refused,
            _ => AuditOutcomes.Failed,
        };
        var note = result.NewJobId is { } id ? $"new job #{id}" : result.Succeeded ? detail : $"{detail}{(detail is null ? "" : ": ")}{result.Message}";
        await audit.WriteAsync(new AuditEntry(AuditActor.Of(actor.User), action, outcome, target, note, actor.ClientAddress));
        return result;
    }

    private async Task<string?> SubmitterOfAsync(long jobId, CancellationToken cancellationToken) =>
        hub.Find(jobId)?.SubmittedBy ?? (await store.FindAsync(jobId, cancellationToken))?.SubmittedBy;

    private static string Target(long jobId) => jobId.ToString(CultureInfo.InvariantCulture);
}
