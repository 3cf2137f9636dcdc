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

    /// <summary>aiohttp's <c>web.Response(status=N)</c>: that status, an empty application/octet-stream body.</summary>
    public static Task StatusAsync(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    /// <summary>A plain-text answer as aiohttp writes its HTTP exceptions (413) and unhandled errors (500).</summary>
    public static async Task TextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted);
    }

    /// <summary>What aiohttp answers when a handler raises (ComfyUI has no handler of its own for it).</summary>
    public static Task InternalErrorAsync(HttpContext context) =>
        TextAsync(context, StatusCodes.Status500InternalServerError, "500 Internal Server Error\n\nServer got itself in trouble");

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
