using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Submission;

namespace AnimeProgress.Web.Submission;

/// <summary>
/// <c>POST /api/jobs</c> (submit through AnimeProgress, so ComfyUI reports every step). Previews: Web/Previews.
/// </summary>
public static class JobSubmissionEndpoints
{
    public static void MapJobSubmission(this WebApplication app)
    {
        app.MapPost("/api/jobs", SubmitAsync).WithName("SubmitJob").WithTags("Jobs")
            .WithSummary("Submit an API-format ComfyUI workflow as a tracked job.");
    }

    private static async Task<IResult> SubmitAsync(
        SubmitJobRequest request, JobSubmitter submitter, ComfyUiFleet fleet, AnimeProgress.Core.Cluster.IngestionGate ingestion, CancellationToken cancellationToken)
    {
        if (!ingestion.IsLeader)
        {
            // Only the ingesting node follows jobs in ComfyUI; a job submitted here would be seen twice.
            return Results.Problem(
                title: "This node does not ingest from ComfyUI",
                detail: "Another AnimeProgress node leads; submit there (or retry: leadership moves within seconds when a leader dies).",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Title))
        {
            errors["title"] = ["A title is required."];
        }

        if (request.Workflow is null || request.Workflow.Count == 0)
        {
            errors["workflow"] = ["An API-format ComfyUI workflow (an object of nodes) is required."];
        }

        JobKind kind = JobKind.Image;
        if (request.Kind is not null && !Enum.TryParse(request.Kind, ignoreCase: true, out kind))
        {
            errors["kind"] = ["Kind must be 'image' or 'video'."];
        }

        if (request.Frames is < 1)
        {
            errors["frames"] = ["Frames must be at least 1."];
        }

        if (request.Instance is not null && fleet.Find(request.Instance) is null)
        {
            errors["instance"] = [$"Unknown ComfyUI instance '{request.Instance}'."];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        try
        {
            var id = await submitter.SubmitAsync(
                new JobRequest(request.Title!, kind, request.Workflow!) { Instance = request.Instance, FramesTotal = request.Frames, Front = request.Front },
                cancellationToken);
            return Results.Accepted($"/api/jobs/{id}", new { id });
        }
        catch (ComfyUiRejectedException ex)
        {
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
