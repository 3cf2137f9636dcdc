using System.Text.Json.Nodes;

namespace AnimeProgress.ComfyUiEmulator.NodeCatalog;

/// <summary>Every node class the emulator knows, by class_type.</summary>
internal sealed class KnownNodes
{
    private readonly Dictionary<string, NodeDefinition> _byClass;

    private KnownNodes(IEnumerable<NodeDefinition> definitions) =>
        _byClass = definitions.ToDictionary(d => d.ClassType, StringComparer.Ordinal);

    public static KnownNodes Default { get; } = new(
        LoaderNodes.All()
            .Concat(ConditioningNodes.All())
            .Concat(LatentNodes.All())
            .Concat(SamplerNodes.All())
            .Concat(ImageNodes.All())
            .Concat(VideoNodes.All())
            .Concat(OutputNodes.All()));

    public IEnumerable<NodeDefinition> All => _byClass.Values;

    public NodeDefinition? Find(string? classType) => classType is null ? null : _byClass.GetValueOrDefault(classType);

    public JsonObject ObjectInfo(bool newer = false)
    {
        var info = new JsonObject();
        foreach (var definition in _byClass.Values)
        {
            info[definition.ClassType] = definition.ToObjectInfo(newer);
        }
        return info;
    }
}
