using System.Text.Json;
using System.Text.Json.Nodes;

namespace AnimeProgress.Web.Relay;

/// <summary>
/// Reading the small JSON bodies of the actions the relays intercept (interrupt, queue, free) as ComfyUI's Python
/// reads them: truthiness, and strings or lists of strings where other types are ignored.
/// </summary>
internal static class RelayActionBody
{
    /// <summary>The body as an object; null when it is empty, not JSON, or not an object.</summary>
    public static JsonObject? Parse(byte[] body)
    {
        try
        {
            return body.Length == 0 ? null : JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static bool IsTruthy(JsonNode? node) => node switch
    {
        null => false,
        JsonArray array => array.Count > 0,
        JsonObject obj => obj.Count > 0,
        JsonValue value when value.TryGetValue(out bool flag) => flag,
        JsonValue value when value.TryGetValue(out double number) => number != 0,
        JsonValue value when value.TryGetValue(out string? text) => text.Length > 0,
        _ => true,
    };

    public static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    public static List<string> Texts(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(Text).OfType<string>()] : [];
}
