using System.Globalization;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AnimeProgress.ComfyUiEmulator.Http;

/// <summary>GET /history[?max_items=&amp;offset=], GET /history/{id}, POST /history (delete, clear).</summary>
internal static class HistoryEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, EmulatorEngine engine)
    {
        routes.MapGet("/history", context =>
        {
            if (!TryInt(context, "max_items", out var maxItems) || !TryInt(context, "offset", out var offset))
            {
                return HttpJson.WriteAsync(context, new JsonObject { ["error"] = "max_items and offset must be integers" }, StatusCodes.Status400BadRequest);
            }
            return HttpJson.WriteAsync(context, engine.History.Query(maxItems, offset ?? -1));
        });
        routes.MapGet("/history/{prompt_id}", context =>
            HttpJson.WriteAsync(context, engine.History.Get(context.Request.RouteValues["prompt_id"]?.ToString() ?? "")));
        routes.MapPost("/history", context => ClearDeleteRequest.HandleAsync(context, engine.History.Clear, engine.History.Delete));
    }

    private static bool TryInt(HttpContext context, string name, out int? value)
    {
        value = null;
        var raw = context.Request.Query[name].ToString();
        if (raw.Length == 0)
        {
            return true;
        }
        if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }
        return false;
    }
}
