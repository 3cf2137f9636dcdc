using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Json;

namespace AnimeProgress.ComfyUiEmulator.Graph;

/// <summary>An input wired to another node's output: <c>["node id", slot]</c> in the API graph.</summary>
internal readonly record struct NodeLink(string SourceId, int Slot)
{
    /// <summary>
    /// ComfyUI treats any two-element list of (id, int) as a link. Numeric ids are accepted too
    /// (the real server would fail to find them), which keeps hand-written demo graphs forgiving.
    /// </summary>
    public static bool TryParse(JsonNode? value, out NodeLink link)
    {
        link = default;
        if (value is not JsonArray { Count: 2 } pair || !PyJson.IsInteger(pair[1], out var slot))
        {
            return false;
        }
        string? id = pair[0] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonValue v when PyJson.IsInteger(v, out var n) => n.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        if (id is null || slot < 0 || slot > int.MaxValue)
        {
            return false;
        }
        link = new NodeLink(id, (int)slot);
        return true;
    }
}
