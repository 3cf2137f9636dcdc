using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Json;
using AnimeProgress.ComfyUiEmulator.Simulation;

namespace AnimeProgress.ComfyUiEmulator.NodeCatalog;

/// <summary>A node class the emulator knows: its interface (for /object_info and validation) and its simulated work.</summary>
internal sealed class NodeDefinition
{
    public required string ClassType { get; init; }

    public required string DisplayName { get; init; }

    public required string Category { get; init; }

    public string Description { get; init; } = "";

    public string PythonModule { get; init; } = "nodes";

    public IReadOnlyList<InputSpec> Required { get; init; } = [];

    public IReadOnlyList<InputSpec> Optional { get; init; } = [];

    public IReadOnlyList<(string Name, string Type)> Hidden { get; init; } = [];

    public IReadOnlyList<string> OutputTypes { get; init; } = [];

    /// <summary>Defaults to the output types, as in ComfyUI when RETURN_NAMES is absent.</summary>
    public IReadOnlyList<string>? OutputNames { get; init; }

    public bool IsOutputNode { get; init; }

    public bool IsDeprecated { get; init; }

    /// <summary>Like ComfyUI's IS_CHANGED returning a fresh value: the node (and everything after it) never comes from cache.</summary>
    public bool NeverCached { get; init; }

    public required Func<NodeContext, NodeWork> Simulate { get; init; }

    public InputSpec? FindInput(string name, out bool required)
    {
        required = true;
        var spec = Required.FirstOrDefault(i => i.Name == name);
        if (spec is not null)
        {
            return spec;
        }
        required = false;
        return Optional.FirstOrDefault(i => i.Name == name);
    }

    public IEnumerable<(InputSpec Spec, bool Required)> AllInputs =>
        Required.Select(i => (i, true)).Concat(Optional.Select(i => (i, false)));

    /// <param name="newer">Newer servers (reference §9) add is_input_list, has_intermediate_output and search_aliases in these places.</param>
    public JsonObject ToObjectInfo(bool newer = false)
    {
        var input = new JsonObject { ["required"] = Section(Required) };
        var order = new JsonObject { ["required"] = PyJson.Strings(Required.Select(i => i.Name)) };
        if (Optional.Count > 0)
        {
            input["optional"] = Section(Optional);
            order["optional"] = PyJson.Strings(Optional.Select(i => i.Name));
        }
        if (Hidden.Count > 0)
        {
            var hidden = new JsonObject();
            foreach (var (name, type) in Hidden)
            {
                hidden[name] = type;
            }
            input["hidden"] = hidden;
            order["hidden"] = PyJson.Strings(Hidden.Select(h => h.Name));
        }
        var info = new JsonObject { ["input"] = input, ["input_order"] = order };
        if (newer)
        {
            info["is_input_list"] = false;
        }
        info["output"] = PyJson.Strings(OutputTypes);
        info["output_is_list"] = new JsonArray([.. OutputTypes.Select(_ => (JsonNode)false)]);
        info["output_name"] = PyJson.Strings(OutputNames ?? OutputTypes);
        info["name"] = ClassType;
        info["display_name"] = DisplayName;
        info["description"] = Description;
        info["python_module"] = PythonModule;
        info["category"] = Category;
        info["output_node"] = IsOutputNode;
        if (newer)
        {
            info["has_intermediate_output"] = false;
        }
        if (IsDeprecated)
        {
            info["deprecated"] = true;
        }
        if (newer)
        {
            info["search_aliases"] = new JsonArray();
        }
        return info;
    }

    private static JsonObject Section(IEnumerable<InputSpec> specs)
    {
        var section = new JsonObject();
        foreach (var spec in specs)
        {
            section[spec.Name] = spec.ToObjectInfo();
        }
        return section;
    }
}
