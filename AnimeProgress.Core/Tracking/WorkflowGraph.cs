using System.Text.Json.Nodes;

namespace AnimeProgress.Core.Tracking;

/// <summary>One node of an API-format ComfyUI graph.</summary>
public sealed record GraphNode(string Id, string ClassType, IReadOnlyList<string> Inputs, int? Steps);

/// <summary>
/// The parts of an API-format graph progress needs: which nodes will run (the ancestors of the
/// outputs, reference §6), how heavy each is, and how many frames a video job makes.
/// </summary>
public sealed class WorkflowGraph
{
    private static readonly string[] FrameInputs = ["length", "frame_count", "num_frames", "video_length", "frames"];

    private WorkflowGraph(IReadOnlyDictionary<string, GraphNode> nodes, IReadOnlySet<string> toRun, int? frames)
    {
        Nodes = nodes;
        NodesToRun = toRun;
        FrameCount = frames;
    }

    public static WorkflowGraph Empty { get; } = new(new Dictionary<string, GraphNode>(), new HashSet<string>(), null);

    public IReadOnlyDictionary<string, GraphNode> Nodes { get; }

    public IReadOnlySet<string> NodesToRun { get; }

    /// <summary>Frames the graph makes, from its latent/video nodes; null when it names none.</summary>
    public int? FrameCount { get; }

    public string? ClassTypeOf(string? nodeId) =>
        nodeId is not null && Nodes.TryGetValue(nodeId, out var node) ? node.ClassType : null;

    /// <summary>The parsed graph, shared with every job whose graph parses to the same content (see <see cref="WorkflowGraphCache"/>).</summary>
    /// <param name="outputs">Output node ids ComfyUI will execute; when absent, nodes nothing consumes.</param>
    public static WorkflowGraph Parse(JsonObject? graph, IReadOnlyList<string>? outputs = null)
    {
        if (graph is null)
        {
            return Empty;
        }

        var nodes = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
        int? frames = null;
        int? batch = null;
        foreach (var (id, value) in graph)
        {
            if (value is not JsonObject node)
            {
                continue;
            }

            var classType = node["class_type"] is JsonValue c && c.TryGetValue(out string? ct) ? ct : "Unknown";
            var inputs = node["inputs"] as JsonObject;
            var links = new List<string>();
            int? steps = null;
            if (inputs is not null)
            {
                foreach (var (name, input) in inputs)
                {
                    if (input is JsonArray { Count: 2 } link && link[0] is JsonValue l && l.TryGetValue(out string? from))
                    {
                        links.Add(from);
                    }
                    else if (name == "steps" && TryInt(input, out var s))
                    {
                        steps = s;
                    }
                    else if (Array.IndexOf(FrameInputs, name) >= 0 && TryInt(input, out var f) && f > 1)
                    {
                        frames = Math.Max(frames ?? 0, f);
                    }
                    else if (name is "batch_size" or "amount" && TryInt(input, out var b) && b > 1)
                    {
                        batch = Math.Max(batch ?? 0, b);
                    }
                }
            }

            nodes[id] = new GraphNode(id, classType, links, steps);
        }

        var roots = outputs is { Count: > 0 } ? outputs.Where(nodes.ContainsKey).ToList() : Sinks(nodes);
        // Jobs of one pipeline share one parsed graph: it is immutable, and it was most of a queued job's memory.
        return WorkflowGraphCache.Share(new WorkflowGraph(nodes, Ancestors(nodes, roots), frames ?? batch));
    }

    private static List<string> Sinks(Dictionary<string, GraphNode> nodes)
    {
        var consumed = nodes.Values.SelectMany(n => n.Inputs).ToHashSet(StringComparer.Ordinal);
        return [.. nodes.Keys.Where(id => !consumed.Contains(id))];
    }

    private static HashSet<string> Ancestors(Dictionary<string, GraphNode> nodes, List<string> roots)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(roots);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (!seen.Add(id) || !nodes.TryGetValue(id, out var node))
            {
                continue;
            }

            foreach (var input in node.Inputs)
            {
                stack.Push(input);
            }
        }

        seen.IntersectWith(nodes.Keys);
        return seen;
    }

    private static bool TryInt(JsonNode? node, out int value)
    {
        value = 0;
        // Parsed JSON answers as double; graphs built in code hold ints or longs.
        double d;
        if (node is not JsonValue v)
        {
            return false;
        }
        else if (v.TryGetValue(out int i))
        {
            d = i;
        }
        else if (v.TryGetValue(out long l))
        {
            d = l;
        }
        else if (!v.TryGetValue(out d))
        {
            return false;
        }

        if (double.IsFinite(d) && d is >= 0 and <= 1_000_000)
        {
            value = (int)d;
            return true;
        }

        return false;
    }
}
