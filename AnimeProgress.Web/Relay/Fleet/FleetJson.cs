using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AnimeProgress.Web.Relay.Fleet;

/// <summary>
/// The fleet relay's own JSON answers: escaped as little as Python's json.dumps escapes (a <c>'</c> stays a <c>'</c>), so
/// a refusal reads as ComfyUI's does. Never HTML: the relay's answers are <c>application/json</c> and sandboxed.
/// </summary>
internal static class FleetJson
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(body.ToJsonString(Options), context.RequestAborted);
    }
}
