using AnimeProgress.Core.Queue;
using AnimeProgress.Web.Api.Wire;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Keys;

namespace AnimeProgress.Web.Queue;

/// <summary>
/// The fleet queue's REST API (issue 16): the queue in order, and every action the Queue page offers, with the scope
/// <c>control</c>. A refusal is a ProblemDetails whose detail says why: 403 no permission, 404 unknown job or instance,
/// 409 the job is no longer where the action needs it (a race lost), 422 no instance can take it, 400 bad input.
/// </summary>
public static class QueueEndpoints
{
    public static void MapQueueEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api").WithTags("Queue")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapGet("/queue", ListAsync).WithName("GetQueue").RequireApiScope(ApiScope.Read)
            .WithSummary("The fleet queue in dispatch order, with where each job will run or why it waits");

        Action(api.MapPost("/jobs/{id:long}/cancel", (long id, HttpContext c, QueueControl q, CancellationToken ct) => AnswerAsync(q.CancelAsync(Actor(c), id, ct))), "CancelJob", AuditActions.JobCancel)
            .AllowSubmitter()
            .WithSummary("Cancel a job: waiting in the fleet queue, pending on ComfyUI (deleted there) or running (interrupted by its prompt id); the answer says which");
        Action(api.MapPost("/jobs/{id:long}/retry", RetryAsync), "RetryJob", AuditActions.JobRetry)
            .AllowSubmitter()
            .Produces<WireActionResult>(StatusCodes.Status202Accepted)
            .WithSummary("Queue a failed, cancelled or lost job again as a new job linked to it; answers the new job's id");
        Action(api.MapPatch("/jobs/{id:long}", PriorityAsync), "ChangeJobPriority", AuditActions.JobPriority)
            .Accepts<PriorityChange>("application/json")
            .WithSummary("Change a waiting job's priority: {\"priority\": n}, higher first");
        Action(api.MapPost("/jobs/{id:long}/move", MoveAsync), "MoveJob", AuditActions.JobMove)
            .Accepts<MoveRequest>("application/json")
            .WithSummary("Move a waiting job: {\"to\": \"front\"}, {\"to\": \"back\"} or {\"before\": id}");
        Action(api.MapPost("/queue/pause", (HttpContext c, QueueControl q, CancellationToken ct) => AnswerAsync(q.SetPausedAsync(Actor(c), true, ct))), "PauseQueue", AuditActions.QueuePause)
            .WithSummary("Pause dispatch: nothing new is sent to ComfyUI; what runs or waits there goes on");
        Action(api.MapPost("/queue/resume", (HttpContext c, QueueControl q, CancellationToken ct) => AnswerAsync(q.SetPausedAsync(Actor(c), false, ct))), "ResumeQueue", AuditActions.QueueResume)
            .WithSummary("Resume dispatch");
        Action(api.MapPost("/instances/{name}/drain", (string name, HttpContext c, QueueControl q, CancellationToken ct) => AnswerAsync(q.SetDrainingAsync(Actor(c), name, true, ct))), "DrainInstance", AuditActions.InstanceDrain)
            .WithSummary("Drain an instance: it finishes what it runs and has queued, and takes nothing new");
        Action(api.MapPost("/instances/{name}/resume", (string name, HttpContext c, QueueControl q, CancellationToken ct) => AnswerAsync(q.SetDrainingAsync(Actor(c), name, false, ct))), "ResumeInstance", AuditActions.InstanceResume)
            .WithSummary("Return a drained instance to work");
        Action(api.MapPatch("/instances/{name}", LabelsAsync), "ChangeInstanceLabels", AuditActions.InstanceLabels)
            .Accepts<InstanceChange>("application/json")
            .WithSummary("Set an instance's labels: {\"labels\": [\"video\", \"4090\"]}");
    }

    private static RouteHandlerBuilder Action(RouteHandlerBuilder builder, string name, string auditAction) => builder
        .WithName(name)
        .RequireApiScope(ApiScope.Control)
        .Audited(auditAction)
        .Produces<WireActionResult>()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    private static async Task<IResult> ListAsync(FleetQueue queue, CancellationToken cancellationToken)
    {
        var view = await queue.ViewAsync(cancellationToken);
        return TypedResults.Ok(new WireQueue
        {
            Paused = view.Paused,
            Jobs = [.. view.Entries.Select(e => new WireQueueEntry
            {
                Id = e.JobId,
                Title = e.Title,
                Kind = e.Kind == Core.Jobs.JobKind.Video ? "video" : "image",
                Priority = e.Priority,
                State = e.State.ToWire(),
                SubmittedBy = e.SubmittedBy,
                SubmittedAt = WireTime.Format(e.SubmittedAt),
                Needs = new WireNeeds { VramGb = e.Needs.VramGb, Labels = e.Needs.Labels, Models = e.Needs.Models },
                PinnedInstance = e.PinnedInstance,
                RetryOf = e.RetryOf,
                Instance = e.Instance,
                Reason = e.Reason,
            })],
        });
    }

    private static async Task<IResult> RetryAsync(long id, HttpContext context, QueueControl queue, CancellationToken cancellationToken)
    {
        var result = await queue.RetryAsync(Actor(context), id, cancellationToken);
        return result is { Succeeded: true, NewJobId: { } newId }
            ? TypedResults.Accepted($"/api/jobs/{newId}", new WireActionResult { Message = result.Message, Id = newId })
            : Answer(result);
    }

    private static async Task<IResult> PriorityAsync(long id, PriorityChange? change, HttpContext context, QueueControl queue, CancellationToken cancellationToken)
    {
        if (change?.Priority is not { } priority)
        {
            return Problem(StatusCodes.Status400BadRequest, "Priority missing", "Send {\"priority\": n}, a whole number, higher first.");
        }

        return Answer(await queue.SetPriorityAsync(Actor(context), id, priority, cancellationToken));
    }

    private static async Task<IResult> MoveAsync(long id, MoveRequest? move, HttpContext context, QueueControl queue, CancellationToken cancellationToken)
    {
        QueueMove? target = (move?.To?.Trim().ToLowerInvariant(), move?.Before) switch
        {
            ("front", null) => new QueueMove(QueueMoveTarget.Front),
            ("back", null) => new QueueMove(QueueMoveTarget.Back),
            (null or "before", { } before) => new QueueMove(QueueMoveTarget.Before, before),
            _ => null,
        };
        if (target is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "Where to?", "Send {\"to\": \"front\"}, {\"to\": \"back\"} or {\"before\": <job id>}.");
        }

        return Answer(await queue.MoveAsync(Actor(context), id, target, cancellationToken));
    }

    private static async Task<IResult> LabelsAsync(string name, InstanceChange? change, HttpContext context, QueueControl queue, CancellationToken cancellationToken)
    {
        if (change?.Labels is not { } labels)
        {
            return Problem(StatusCodes.Status400BadRequest, "Labels missing", "Send {\"labels\": [\"video\", \"4090\"]} (an empty list removes them all).");
        }

        return Answer(await queue.SetLabelsAsync(Actor(context), name, labels, cancellationToken));
    }

    private static async Task<IResult> AnswerAsync(Task<QueueActionResult> action) => Answer(await action);

    private static IResult Answer(QueueActionResult result) => result.Outcome switch
    {
        QueueActionOutcome.Done => TypedResults.Ok(new WireActionResult { Message = result.Message, Id = result.NewJobId }),
        QueueActionOutcome.NotFound => Problem(StatusCodes.Status404NotFound, "Not found", result.Message),
        QueueActionOutcome.Conflict => Problem(StatusCodes.Status409Conflict, "Not possible now", result.Message),
        QueueActionOutcome.BadInput => Problem(StatusCodes.Status400BadRequest, "Bad request", result.Message),
        QueueActionOutcome.Unplaceable => Problem(StatusCodes.Status422UnprocessableEntity, "No instance can take this job", result.Message),
        QueueActionOutcome.Forbidden => Problem(StatusCodes.Status403Forbidden, "Not allowed", result.Message),
        _ => Problem(StatusCodes.Status503ServiceUnavailable, "Not the leading node", result.Message),
    };

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(detail, statusCode: status, title: title);

    private static QueueActor Actor(HttpContext context) => new(context.User, context.Connection.RemoteIpAddress?.ToString());
}
