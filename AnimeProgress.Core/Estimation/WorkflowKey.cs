using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AnimeProgress.Core.Estimation;

/// <summary>
/// A stable key for a workflow's structure: node class types and how they are linked, not the
/// literal inputs (seeds, prompts), so re-runs of the same pipeline share their history.
/// </summary>
public static class WorkflowKey
{
    public static string? Compute(JsonObject? graph)
    {
        if (graph is null || graph.Count == 0)
        {
            return null;
        }

        var lines = new List<string>(graph.Count);
        foreach (var (_, value) in graph)
        {
            if (value is not JsonObject node)
            {
                continue;
            }

            var classType = node["class_type"] is JsonValue c && c.TryGetValue(out string? ct) ? ct : "?";
            var links = new List<string>();
            if (node["inputs"] is JsonObject inputs)
            {
                foreach (var (name, input) in inputs)
                {
                    if (input is JsonArray { Count: 2 } link && link[0] is JsonValue from && from.TryGetValue(out string? source))
                    {
                        var sourceType = graph[source]?["class_type"] is JsonValue s && s.TryGetValue(out string? st) ? st : "?";
                        links.Add($"{name}<{sourceType}");
                    }
                    else if (name == "steps")
                    {
                        // Step count changes the run time as much as the structure does.
                        links.Add($"steps={input?.ToJsonString()}");
                    }
                }
            }

            links.Sort(StringComparer.Ordinal);
            lines.Add(classType + "(" + string.Join(",", links) + ")");
        }

        lines.Sort(StringComparer.Ordinal);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", lines)));
        return Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }
}
