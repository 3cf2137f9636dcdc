using AnimeProgress.ComfyUiEmulator.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AnimeProgress.ComfyUiEmulator.Http;

/// <summary>POST /interrupt and POST /free.</summary>
internal static class ControlEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, EmulatorEngine engine)
    {
        routes.MapPost("/interrupt", async context =>
        {
            // An empty or unparsable body means a global interrupt.
            var body = await HttpJson.ReadObjectAsync(context) ?? [];
            if (PyJson.Truthy(body["prompt_id"]))
            {
                // Targeted: only if that prompt is the running one; otherwise a silent no-op.
                if (engine.Queue.Running?.PromptId == PyJson.Str(body["prompt_id"]))
                {
                    engine.Interrupt.Set();
                }
            }
            else
            {
                engine.Interrupt.Set();
            }
            await HttpJson.EmptyAsync(context);
        });
        routes.MapPost("/free", async context =>
        {
            var body = await HttpJson.ReadObjectAsync(context);
            if (body is null)
            {
                await HttpJson.BadBodyAsync(context);
                return;
            }
            // unload_models needs nothing: simulated models are released when each job ends.
            if (PyJson.Truthy(body["free_memory"]))
            {
                engine.Worker.RequestFreeMemory();
            }
            await HttpJson.EmptyAsync(context);
        });
    }
}
