using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AnimeProgress.ComfyUiEmulator.Http;

/// <summary>GET /queue (running and pending items) and POST /queue (delete pending prompts, clear).</summary>
internal static class QueueEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, EmulatorEngine engine)
    {
        routes.MapGet("/queue", async context =>
        {
            var (running, pending) = engine.Queue.Snapshot();
            await HttpJson.WriteAsync(context, new JsonObject
            {
                ["queue_running"] = new JsonArray([.. running.Select(i => (JsonNode)i.ToJson())]),
                // ComfyUI shows its heap array; a sorted list is a valid heap, so this is one of its possible answers.
                ["queue_pending"] = new JsonArray([.. pending.Select(i => (JsonNode)i.ToJson())]),
            });
            engine.QueueAnswered();
        });
        // Only pending prompts can be deleted; the running one needs /interrupt.
        routes.MapPost("/queue", context => ClearDeleteRequest.HandleAsync(context, engine.Queue.Clear, engine.Queue.Delete));
    }
}
