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
        routes.MapGet("/features", context => HttpJson.WriteAsync(context, engine.FeatureFlags()));
        routes.MapGet("/object_info", context => HttpJson.WriteAsync(context, WithoutAbsentModels(engine.Nodes.ObjectInfo(engine.IsNewer), engine.Options.AbsentModels)));
        routes.MapGet("/object_info/{node_class}", context =>
        {
            var name = context.Request.RouteValues["node_class"]?.ToString();
            var definition = engine.Nodes.Find(name);
            return HttpJson.WriteAsync(context, definition is null
                ? new JsonObject()
                : WithoutAbsentModels(new JsonObject { [definition.ClassType] = definition.ToObjectInfo(engine.IsNewer) }, engine.Options.AbsentModels));
        });
    }

    /// <summary>Drops the files this machine does not have from every combo list (model names never collide with enumerations).</summary>
    private static JsonObject WithoutAbsentModels(JsonObject info, IReadOnlyList<string> absent)
    {
        if (absent.Count == 0)
        {
            return info;
        }

        foreach (var (_, node) in info)
        {
            foreach (var group in new[] { "required", "optional" })
            {
                if (node?["input"]?[group] is not JsonObject inputs)
                {
                    continue;
                }

                foreach (var (_, spec) in inputs)
                {
                    if (spec is JsonArray { Count: > 0 } pair && pair[0] is JsonArray choices)
                    {
                        foreach (var gone in choices.Where(c => c is JsonValue v && v.TryGetValue<string>(out var name) && absent.Contains(name, StringComparer.Ordinal)).ToList())
                        {
                            choices.Remove(gone);
                        }
                    }
                }
            }
        }

        return info;
    }
}
