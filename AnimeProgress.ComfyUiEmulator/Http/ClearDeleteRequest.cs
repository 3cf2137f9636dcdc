using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Json;
using Microsoft.AspNetCore.Http;

namespace AnimeProgress.ComfyUiEmulator.Http;

/// <summary>
/// The body ComfyUI's POST /queue and POST /history share: <c>{"clear": true}</c> and/or
/// <c>{"delete": [prompt ids]}</c>, answered with 200 and an empty body.
/// </summary>
internal static class ClearDeleteRequest
{
    public static async Task HandleAsync(HttpContext context, Action clear, Action<string> delete)
    {
        var body = await HttpJson.ReadObjectAsync(context);
        if (body is null)
        {
            await HttpJson.BadBodyAsync(context);
            return;
        }

        if (PyJson.Truthy(body["clear"]))
        {
            clear();
        }

        if (body["delete"] is JsonArray ids)
        {
            foreach (var id in ids)
            {
                delete(PyJson.Str(id));
            }
        }

        await HttpJson.EmptyAsync(context);
    }
}
