using System.Text.Json.Nodes;

namespace AnimeProgress.Core.Queue;

/// <summary>The node types (<c>class_type</c>) an API-format graph uses: an instance must know every one to run it.</summary>
public static class GraphNodeTypes
{
    public static IReadOnlySet<string> Of(JsonObject? graph)
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, node) in graph ?? [])
        {
            if (node is JsonObject n && n["class_type"] is JsonValue v && v.TryGetValue(out string? type) && !string.IsNullOrEmpty(type))
            {
                types.Add(type);
            }
        }

        return types;
    }
}
