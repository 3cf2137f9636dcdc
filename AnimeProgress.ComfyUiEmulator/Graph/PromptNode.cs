using System.Text.Json;
using System.Text.Json.Nodes;

namespace AnimeProgress.ComfyUiEmulator.Graph;

/// <summary>One entry of an API-format prompt: class type, inputs (literals or links) and an optional title.</summary>
internal sealed class PromptNode
{
    private PromptNode(string id, string? classType, JsonObject inputs, string? title)
    {
        Id = id;
        ClassType = classType;
        Inputs = inputs;
        Title = title;
    }

    public string Id { get; }

    /// <summary>Null when the entry has no string class_type (validation rejects it).</summary>
    public string? ClassType { get; }

    /// <summary>The live "inputs" object of the submitted graph; validation writes converted literals back into it, as ComfyUI does.</summary>
    public JsonObject Inputs { get; }

    public string? Title { get; }

    public IEnumerable<NodeLink> Links
    {
        get
        {
            foreach (var (_, value) in Inputs)
            {
                if (NodeLink.TryParse(value, out var link))
                {
                    yield return link;
                }
            }
        }
    }

    public static PromptNode From(string id, JsonNode? entry)
    {
        if (entry is not JsonObject obj)
        {
            return new PromptNode(id, null, [], null);
        }
        var classType = obj["class_type"] is JsonValue c && c.GetValueKind() == JsonValueKind.String ? c.GetValue<string>() : null;
        if (obj["inputs"] is not JsonObject inputs)
        {
            // A node without "inputs" is treated as having none, so validation can name the missing ones.
            inputs = [];
            obj["inputs"] = inputs;
        }
        var title = obj["_meta"]?["title"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
        return new PromptNode(id, classType, inputs, title);
    }
}
