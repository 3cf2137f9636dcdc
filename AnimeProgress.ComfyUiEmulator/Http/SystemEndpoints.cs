using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace AnimeProgress.ComfyUiEmulator.Http;

/// <summary>GET /system_stats, /features, /object_info and /object_info/{class}.</summary>
internal static class SystemEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, EmulatorEngine engine)
    {
        routes.MapGet("/system_stats", context => HttpJson.WriteAsync(context, engine.Stats.Build()));
        routes.MapGet("/features", context => HttpJson.WriteAsync(context, EmulatorEngine.FeatureFlags()));
        routes.MapGet("/object_info", context => HttpJson.WriteAsync(context, engine.Nodes.ObjectInfo()));
        routes.MapGet("/object_info/{node_class}", context =>
        {
            var name = context.Request.RouteValues["node_class"]?.ToString();
            var definition = engine.Nodes.Find(name);
            return HttpJson.WriteAsync(context, definition is null ? new JsonObject() : new JsonObject { [definition.ClassType] = definition.ToObjectInfo() });
        });
    }
}
