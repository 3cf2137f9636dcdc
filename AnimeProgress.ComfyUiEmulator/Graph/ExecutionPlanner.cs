namespace AnimeProgress.ComfyUiEmulator.Graph;

/// <summary>
/// Decides which nodes a prompt runs and in what order: the outputs to execute and every
/// uncached node they depend on, in dependency order. Among nodes that are ready, output nodes go
/// first, then nodes feeding an output, then nodes two links away, as ComfyUI's scheduler
/// prefers, so results appear early. Cached output nodes stay in the plan: they replay "executed".
/// </summary>
internal static class ExecutionPlanner
{
    public static IReadOnlyList<string> Plan(PromptGraph graph, IEnumerable<string> outputs, Func<string, bool> isCached, Func<string, bool> isOutput)
    {
        var pending = new List<string>();
        var dependencies = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var dependents = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var stack = new Stack<string>(outputs.Reverse());
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (dependencies.ContainsKey(id) || graph.Find(id) is not { } node)
            {
                continue;
            }
            pending.Add(id);
            dependencies[id] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var link in node.Links)
            {
                if (!graph.Contains(link.SourceId) || isCached(link.SourceId))
                {
                    continue;
                }
                dependencies[id].Add(link.SourceId);
                if (!dependents.TryGetValue(link.SourceId, out var users))
                {
                    dependents[link.SourceId] = users = new HashSet<string>(StringComparer.Ordinal);
                }
                users.Add(id);
                stack.Push(link.SourceId);
            }
        }

        var order = new List<string>(pending.Count);
        var done = new HashSet<string>(StringComparer.Ordinal);
        while (done.Count < pending.Count)
        {
            var ready = pending.Where(id => !done.Contains(id) && dependencies[id].All(done.Contains)).ToList();
            if (ready.Count == 0)
            {
                // A cycle: validation rejects these, so this is only a guard.
                break;
            }
            bool FeedsOutput(string id, int depth) =>
                depth == 0 ? isOutput(id) : dependents.TryGetValue(id, out var users) && users.Any(u => FeedsOutput(u, depth - 1));
            var next = ready.FirstOrDefault(id => FeedsOutput(id, 0))
                ?? ready.FirstOrDefault(id => FeedsOutput(id, 1))
                ?? ready.FirstOrDefault(id => FeedsOutput(id, 2))
                ?? ready[0];
            order.Add(next);
            done.Add(next);
        }
        return order;
    }
}
