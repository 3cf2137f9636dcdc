using AnimeProgress.Core.Previews;
using AnimeProgress.Web.Hosting.Edge;

namespace AnimeProgress.Web.Previews;

/// <summary>
/// <c>GET /api/jobs/{id}/preview</c>: the latest preview image of a running job, served here rather than through a
/// circuit. Only PNG, JPEG, WebP and GIF bytes are served, as the type the bytes are; anything else is refused with 415
/// and logged. The endpoint has the pages' access rule (<see cref="PageAccess"/>), since pages show it in an img.
/// </summary>
public static partial class PreviewEndpoints
{
    public static void MapJobPreviews(this WebApplication app)
    {
        app.MapGet("/api/jobs/{id:long}/preview", Preview).WithName("JobPreview").WithTags("Jobs")
            .WithSummary("The latest preview image of a running job.")
            .RequireAuthorization(PageAccess.Policy);
    }

    private static IResult Preview(long id, PreviewStore previews, HttpContext context, ILoggerFactory loggers)
    {
        if (previews.Get(id) is not { } image)
        {
            return Results.Problem(title: "No preview", detail: $"Job {id} has no preview image right now.", statusCode: StatusCodes.Status404NotFound);
        }

        if (PreviewImageFormat.Detect(image.Bytes.Span) is not { } mediaType)
        {
            LogRefused(loggers.CreateLogger(typeof(PreviewEndpoints)), id, image.MediaType, image.Bytes.Length);
            return Results.Problem(
                title: "Preview not served",
                detail: $"The preview ComfyUI sent for job {id} is not a PNG, JPEG, WebP or GIF image, so it is not shown.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        // The URL carries a version, so a browser may keep each image; a newer one gets a new URL.
        context.Response.Headers.CacheControl = "private, max-age=60";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Bytes(image.Bytes.ToArray(), mediaType);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Preview of job {JobId} not served: {Length} bytes claimed as {ClaimedType} are not a PNG, JPEG, WebP or GIF image")]
    private static partial void LogRefused(ILogger logger, long jobId, string claimedType, int length);
}
