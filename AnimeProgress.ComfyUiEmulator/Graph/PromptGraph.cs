using System.Text.Json.Nodes;

namespace AnimeProgress.ComfyUiEmulator.Graph;

/// <summary>A read view over a submitted API-format prompt, in the order the client wrote its nodes.</summary>
internal sealed class PromptGraph
{
    private readonly Dictionary<string, PromptNode> _byId;

    private PromptGraph(List<PromptNode> nodes)
    {
        Nodes = nodes;
        _byId = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<PromptNode> Nodes { get; }

    public static PromptGraph From(JsonObject prompt) =>
        new([.. prompt.Select(p => PromptNode.From(p.Key, p.Value))]);

    public PromptNode? Find(string id) => _byId.GetValueOrDefault(id);

    public bool Contains(string id) => _byId.ContainsKey(id);
}
