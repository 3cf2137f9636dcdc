using System.Text.Json.Nodes;
using AnimeProgress.Core.Boundary;

namespace AnimeProgress.Core.ComfyUi;

/// <summary>
/// What an instance's <c>GET /object_info</c> says it can run: its node types, and the model files its loaders offer
/// (the options of combo inputs that name a model file, e.g. <c>ckpt_name</c>, <c>unet_name</c>, <c>model_name</c>).
/// </summary>
public sealed record NodeCatalog(IReadOnlySet<string> NodeTypes, IReadOnlySet<string> Models)
{
    private static readonly string[] ModelExtensions = [".safetensors", ".ckpt", ".pt", ".pth", ".bin", ".gguf", ".sft", ".onnx"];

    /// <summary>Reads the answer of <c>/object_info</c>; anything not shaped like a node's info is skipped.</summary>
    public static NodeCatalog Read(JsonObject objectInfo, InputLimits limits)
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        var models = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, info) in objectInfo)
        {
            if (name.Length > limits.MaxNameLength || info is not JsonObject node)
            {
                continue;
            }

            types.Add(name);
            if (node["input"] is not JsonObject inputs)
            {
                continue;
            }

            foreach (var group in new[] { inputs["required"], inputs["optional"] }.OfType<JsonObject>())
            {
                foreach (var (_, spec) in group)
                {
                    foreach (var option in ComboOptions(spec))
                    {
                        if (option.Length <= limits.MaxNameLength * 4 && ModelExtensions.Any(e => option.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                        {
                            models.Add(option);
                        }
                    }
                }
            }
        }

        return new NodeCatalog(types, models);
    }

    /// <summary><c>[[options…], {…}]</c> (v1 nodes) or <c>["COMBO", {"options": […]}]</c> (v3 nodes).</summary>
    private static IEnumerable<string> ComboOptions(JsonNode? spec)
    {
        if (spec is not JsonArray array || array.Count == 0)
        {
            return [];
        }

        var options = array[0] is JsonArray list ? list
            : array.Count > 1 && array[1] is JsonObject extra && extra["options"] is JsonArray v3 ? v3
            : null;
        return options is null ? [] : options.OfType<JsonValue>().Select(v => v.TryGetValue(out string? s) ? s : null).OfType<string>();
    }
}
