using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Json;

namespace AnimeProgress.ComfyUiEmulator.Execution;

/// <summary>
/// The per-prompt node states behind progress_state. The message is cumulative: it lists every
/// node started so far. Values are floats after start/finish, whatever the node reported in
/// between, and ints for cached outputs (never started, so their 0/1 defaults are ints).
/// </summary>
internal sealed class ProgressStates(string promptId)
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, (JsonNode Value, JsonNode Max, string State)> _nodes = new(StringComparer.Ordinal);

    // The proposed (unreleased, reference §9) per-node activity; only sent when EmulatorOptions.ProgressActivity asks.
    private readonly Dictionary<string, string> _activities = new(StringComparer.Ordinal);

    /// <param name="activity">e.g. "loading" while weights move to VRAM; null sends no activity field. Cleared by the next update.</param>
    public void Start(string nodeId, string? activity = null)
    {
        Set(nodeId, PyJson.Float(0), PyJson.Float(1), "running");
        if (activity is not null)
        {
            _activities[nodeId] = activity;
        }
    }

    public void Update(string nodeId, JsonNode value, JsonNode max) => Set(nodeId, value, max, "running");

    public void Finish(string nodeId)
    {
        var (_, max, _) = Ensure(nodeId);
        Set(nodeId, max.DeepClone(), max, "finished");
    }

    public JsonObject Message()
    {
        var nodes = new JsonObject();
        foreach (var id in _order)
        {
            var (value, max, state) = _nodes[id];
            if (state == "pending")
            {
                continue;
            }
            nodes[id] = new JsonObject
            {
                ["value"] = value.DeepClone(),
                ["max"] = max.DeepClone(),
                ["state"] = state,
                ["node_id"] = id,
                ["prompt_id"] = promptId,
                ["display_node_id"] = id,
                ["parent_node_id"] = null,
                ["real_node_id"] = id,
            };
            if (_activities.TryGetValue(id, out var activity))
            {
                nodes[id]!["activity"] = activity;
            }
        }
        return new JsonObject { ["prompt_id"] = promptId, ["nodes"] = nodes };
    }

    private (JsonNode Value, JsonNode Max, string State) Ensure(string nodeId)
    {
        if (!_nodes.TryGetValue(nodeId, out var entry))
        {
            entry = (JsonValue.Create(0), JsonValue.Create(1), "pending");
            _nodes[nodeId] = entry;
            _order.Add(nodeId);
        }
        return entry;
    }

    private void Set(string nodeId, JsonNode value, JsonNode max, string state)
    {
        Ensure(nodeId);
        _activities.Remove(nodeId);
        _nodes[nodeId] = (value, max, state);
    }
}
