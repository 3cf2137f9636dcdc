using System.Globalization;
using AnimeProgress.Core.Boundary;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Queue;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Keys;
using AnimeProgress.Web.Limits;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Submission;

/// <summary>
/// <c>POST /api/jobs</c> (submit through AnimeProgress, so ComfyUI reports every step). Previews: Web/Previews.
/// </summary>
public static class JobSubmissionEndpoints
{
    public static void MapJobSubmission(this WebApplication app)
    {
        app.MapPost("/api/jobs", SubmitAsync).WithName("SubmitJob").WithTags("Jobs")
            .RequireApiScope(ApiScope.Submit)
            .Audited(AuditActions.JobSubmit)
            .Accepts<SubmitJobRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Submit an API-format ComfyUI workflow as a tracked job: it waits in the fleet queue until an instance that fits is free.");
    }

    /// <summary>Every submission that reaches the handler is audited with its outcome (refusals by the API's guard are audited there).</summary>
    private static async Task<IResult> SubmitAsync(
        HttpContext context,
        FleetQueue queue,
        ComfyUiFleet fleet,
        IOptions<InputLimits> inputLimits,
        IOptions<RequestLimits> requestLimits,
        IOptions<QueueOptions> queueOptions,
        AuditLog audit,
        CancellationToken cancellationToken)
    {
        var result = await SubmitJobAsync(context, queue, fleet, inputLimits, requestLimits, queueOptions, cancellationToken);
        var (outcome, target, detail) = result switch
        {
            IStatusCodeHttpResult { StatusCode: StatusCodes.Status202Accepted } and IValueHttpResult { Value: SubmittedJob job } =>
                (AuditOutcomes.Ok, job.Id.ToString(CultureInfo.InvariantCulture), (string?)null),
            IStatusCodeHttpResult { StatusCode: { } status } => (AuditOutcomes.Failed, null, string.Create(CultureInfo.InvariantCulture, $"HTTP {status}")),
            _ => (AuditOutcomes.Failed, null, null),
        };
        await audit.WriteAsync(new AuditEntry(AuditActor.Of(context.User), AuditActions.JobSubmit, outcome, target, detail, context.Connection.RemoteIpAddress?.ToString()));
        return result;
    }

    private static async Task<IResult> SubmitJobAsync(
        HttpContext context,
        FleetQueue queue,
        ComfyUiFleet fleet,
        IOptions<InputLimits> inputLimits,
        IOptions<RequestLimits> requestLimits,
        IOptions<QueueOptions> queueOptions,
        CancellationToken cancellationToken)
    {
        if (!context.Request.HasJsonContentType())
        {
            return Results.Problem(
                title: "Not JSON",
                detail: "Send the job as a JSON object with 'Content-Type: application/json' (see docs/api.md).",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        // Every refusal below comes before the submitter: a body we refuse never becomes a job row.
        var maxBytes = requestLimits.Value.MaxSubmissionBodyBytes;
        var body = await BoundedRequestBody.ReadAsync(context.Request, maxBytes, cancellationToken);
        if (body is null)
        {
            return Results.Problem(
                title: "Request body too large",
                detail: string.Create(
                    CultureInfo.InvariantCulture,
                    $"A job may be at most {maxBytes} bytes of JSON; send a smaller workflow (no embedded images), or raise {RequestLimits.Section}:{nameof(RequestLimits.MaxSubmissionBodyBytes)}."),
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var submitter = Submitters.Of(context.User);
        var parser = new SubmissionParser(
            inputLimits.Value, name => fleet.Find(name) is not null, () => fleet.Connections.Select(c => c.Instance.Name), queueOptions.Value.MaxPriority,
            workflow => DefaultPriority.For(queueOptions.Value, workflow, submitter));
        var check = parser.Parse(body);
        if (!check.IsValid)
        {
            return Results.ValidationProblem(check.Errors, detail: check.Detail, title: "The job was not submitted");
        }

        try
        {
            var id = await queue.EnqueueAsync(check.Request! with { SubmittedBy = submitter }, cancellationToken);
            return Results.Accepted($"/api/jobs/{id}", new SubmittedJob(id));
        }
        catch (JobRefusedException ex)
        {
            // Nothing was stored: no instance can ever take this job as it is asked for.
            return Results.Problem(title: "No instance can take this job", detail: ex.Message, statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }
}
