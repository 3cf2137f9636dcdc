using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Graph;
using AnimeProgress.ComfyUiEmulator.Json;
using Microsoft.AspNetCore.Http;

namespace AnimeProgress.ComfyUiEmulator.Http;

/// <summary>Request and response bodies the way ComfyUI's aiohttp handlers produce them.</summary>
internal static class HttpJson
{
    public const string ContentType = "application/json; charset=utf-8";

    public static async Task WriteAsync(HttpContext context, JsonNode body, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        await context.Response.Body.WriteAsync(PyJson.Serialize(body), context.RequestAborted);
    }

    /// <summary>The mutating endpoints answer 200 with an empty application/octet-stream body.</summary>
    public static Task EmptyAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    /// <summary>Parses the body as a JSON object; null when it is empty or not an object.</summary>
    public static async Task<JsonObject?> ReadObjectAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// ComfyUI answers an unparsable body with a bare 500; the emulator says what was wrong instead.
    /// </summary>
    public static Task BadBodyAsync(HttpContext context) =>
        WriteAsync(context, new JsonObject
        {
            ["error"] = ValidationOutcome.Describe("invalid_json", "The request body is not a JSON object", ""),
            ["node_errors"] = new JsonObject(),
        }, StatusCodes.Status400BadRequest);
}
