using AnimeProgress.ComfyUiEmulator.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AnimeProgress.ComfyUiEmulator.Http;

/// <summary>Maps every ComfyUI route twice: at the root and under /api, as the real server does.</summary>
internal static class ComfyUiRoutes
{
    public static void MapComfyUi(this WebApplication app, EmulatorEngine engine, CancellationToken stopping)
    {
        app.MapGet("/", context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync("<!doctype html><title>ComfyUI emulator</title><p>AnimeProgress ComfyUI emulator (API only).</p>", context.RequestAborted);
        });
        MapAll(app, engine, stopping);
        MapAll(app.MapGroup("/api"), engine, stopping);
    }

    private static void MapAll(IEndpointRouteBuilder routes, EmulatorEngine engine, CancellationToken stopping)
    {
        routes.Map("/ws", context => WebSocketEndpoint.HandleAsync(context, engine, stopping));
        PromptEndpoints.Map(routes, engine);
        QueueEndpoints.Map(routes, engine);
        HistoryEndpoints.Map(routes, engine);
        ControlEndpoints.Map(routes, engine);
        SystemEndpoints.Map(routes, engine);
        ViewEndpoints.Map(routes, engine);
        UploadEndpoints.Map(routes, engine);
        if (engine.IsNewer)
        {
            JobEndpoints.Map(routes, engine);
        }
    }
}
