using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AnimeProgress.Core.Persistence.Queue;

namespace AnimeProgress.Core.Queue;

/// <summary>The node types of each waiting job's graph, parsed once rather than on every dispatch pass and view.</summary>
public sealed class NodeTypeCache
{
    private readonly ConcurrentDictionary<long, IReadOnlySet<string>> _types = new();

    public IReadOnlySet<string> Of(FleetQueueRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return _types.GetOrAdd(row.JobId, _ => GraphNodeTypes.Of(JsonNode.Parse(row.Workflow) as JsonObject));
    }

    /// <summary>Forgets jobs that no longer wait.</summary>
    public void KeepOnly(IEnumerable<FleetQueueRow> rows)
    {
        var keep = rows.Select(r => r.JobId).ToHashSet();
        foreach (var id in _types.Keys.Where(id => !keep.Contains(id)))
        {
            _types.TryRemove(id, out _);
        }
    }
}
