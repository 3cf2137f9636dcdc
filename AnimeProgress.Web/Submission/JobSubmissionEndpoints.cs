using System.Globalization;
using AnimeProgress.Core.Boundary;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Submission;
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
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Submit an API-format ComfyUI workflow as a tracked job.");
    }

    /// <summary>Every submission that reaches the handler is audited with its outcome (refusals by the API's guard are audited there).</summary>
    private static async Task<IResult> SubmitAsync(
        HttpContext context,
        JobSubmitter submitter,
        ComfyUiFleet fleet,
        AnimeProgress.Core.Cluster.IngestionGate ingestion,
        IOptions<InputLimits> inputLimits,
        IOptions<RequestLimits> requestLimits,
        AuditLog audit,
        CancellationToken cancellationToken)
    {
        var result = await SubmitJobAsync(context, submitter, fleet, ingestion, inputLimits, requestLimits, cancellationToken);
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
        JobSubmitter submitter,
        ComfyUiFleet fleet,
        AnimeProgress.Core.Cluster.IngestionGate ingestion,
        IOptions<InputLimits> inputLimits,
        IOptions<RequestLimits> requestLimits,
        CancellationToken cancellationToken)
    {
        if (!ingestion.IsLeader)
        {
            // Only the ingesting node follows jobs in ComfyUI; a job submitted here would be seen twice.
            return Results.Problem(
                title: "This node does not ingest from ComfyUI",
                detail: "Another AnimeProgress node leads; submit there (or retry: leadership moves within seconds when a leader dies).",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

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

        var parser = new SubmissionParser(inputLimits.Value, name => fleet.Find(name) is not null, () => fleet.Connections.Select(c => c.Instance.Name));
        var check = parser.Parse(body);
        if (!check.IsValid)
        {
            return Results.ValidationProblem(check.Errors, detail: check.Detail, title: "The job was not submitted");
        }

        try
        {
            var id = await submitter.SubmitAsync(check.Request! with { SubmittedBy = Submitters.Of(context.User) }, cancellationToken);
            return Results.Accepted($"/api/jobs/{id}", new SubmittedJob(id));
        }
        catch (ComfyUiRejectedException ex)
        {
            // ComfyUI refused a job that was really submitted: it keeps its Failed row (the submitter recorded why).
            return Results.Problem(
                title: "ComfyUI rejected the workflow",
                detail: ex.Message,
                statusCode: StatusCodes.Status422UnprocessableEntity,
                extensions: new Dictionary<string, object?> { ["errorType"] = ex.ErrorType, ["nodeErrors"] = ex.NodeErrorsJson });
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            return Results.Problem(title: "ComfyUI is not reachable", detail: ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
