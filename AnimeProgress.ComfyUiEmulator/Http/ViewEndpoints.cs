using AnimeProgress.ComfyUiEmulator.Files;
using AnimeProgress.ComfyUiEmulator.Imaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AnimeProgress.ComfyUiEmulator.Http;

/// <summary>
/// GET /view?filename=&amp;subfolder=&amp;type=: uploaded files from disk, and the files outputs named as generated
/// PNG bytes (<see cref="OutputImage"/>). Both stream with range support, as aiohttp's FileResponse does.
/// </summary>
internal static class ViewEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, EmulatorEngine engine)
    {
        routes.MapGet("/view", context => ViewAsync(context, engine));
    }

    private static async Task ViewAsync(HttpContext context, EmulatorEngine engine)
    {
        var (status, file) = ViewQuery.Resolve(context.Request.Query);
        if (status != StatusCodes.Status200OK)
        {
            await HttpJson.StatusAsync(context, status);
            return;
        }

        var contentType = ContentTypes.For(file.Filename);
        IResult result;
        if (engine.Uploads.Find(file) is { } path)
        {
            result = Results.File(path, contentType, lastModified: File.GetLastWriteTimeUtc(path), enableRangeProcessing: true);
        }
        else if (engine.OutputFiles.Exists(file.Type, file.Subfolder, file.Filename))
        {
            result = Results.Stream(OutputImage.Open(file.Key, engine.Options.ViewImageBytes), contentType, lastModified: engine.StartedAt, enableRangeProcessing: true);
        }
        else
        {
            await HttpJson.StatusAsync(context, StatusCodes.Status404NotFound);
            return;
        }

        context.Response.Headers.ContentDisposition = $"filename=\"{file.Filename}\"";
        if (engine.IsNewer)
        {
            // Newer servers always add nosniff to /view answers (server.py view_image).
            context.Response.Headers.XContentTypeOptions = "nosniff";
        }
        await result.ExecuteAsync(context);
    }
}
