using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Json;

namespace AnimeProgress.ComfyUiEmulator.Jobs;

/// <summary>
/// The newer server's reading of a history entry's outputs (comfy_execution/jobs.py): how many output items there
/// are, how many the frontend can preview, which one is the job's preview, and the normalized outputs of a job's detail.
/// </summary>
internal static class JobOutputs
{
    private const int TextPreviewMaxLength = 1024;
    private static readonly HashSet<string> PreviewableMediaTypes = new(StringComparer.Ordinal) { "images", "video", "audio", "3d", "text" };
    private static readonly string[] ThreeDExtensions = [".obj", ".fbx", ".gltf", ".glb", ".usdz"];
    private static readonly string[] TextExtensions = [".txt", ".md", ".json"];

    /// <summary>get_outputs_summary: (outputs_count, preview_output or null).</summary>
    public static (int Count, JsonObject? Preview) Summary(JsonObject outputs)
    {
        var count = 0;
        JsonObject? preview = null, fallback = null, textFileFallback = null, textFallback = null;
        foreach (var (nodeId, mediaType, raw) in Items(outputs))
        {
            var item = raw as JsonObject;
            if (item is null)
            {
                item = Normalize(raw);
                if (item is null)
                {
                    if (mediaType == "text" && preview is null && textFallback is null)
                    {
                        textFallback = TextPreview(PyJson.Str(raw));
                        textFallback["nodeId"] = nodeId;
                        textFallback["mediaType"] = mediaType;
                    }
                    continue;
                }
            }
            count++;
            if (preview is not null || !IsPreviewable(mediaType, item))
            {
                continue;
            }
            var enriched = (JsonObject)item.DeepClone();
            enriched["nodeId"] = nodeId;
            if (!item.ContainsKey("mediaType"))
            {
                enriched["mediaType"] = mediaType;
            }
            if (IsTextPreview(mediaType, item))
            {
                textFileFallback ??= enriched;
            }
            else if (Text(item["type"]) == "output")
            {
                preview = enriched;
            }
            else
            {
                fallback ??= enriched;
            }
        }
        return (count, preview ?? fallback ?? textFileFallback ?? textFallback);
    }

    /// <summary>count_previewable_outputs: only items the expanded asset view would render.</summary>
    public static int PreviewableCount(JsonObject outputs) =>
        Items(outputs).Count(entry => (entry.Item as JsonObject ?? Normalize(entry.Item)) is { } item && IsPreviewable(entry.MediaType, item));

    /// <summary>normalize_outputs: null items dropped, 3D file names turned into file entries, everything else as is.</summary>
    public static JsonObject Normalized(JsonObject outputs)
    {
        var result = new JsonObject();
        foreach (var (nodeId, nodeOutputs) in outputs)
        {
            if (nodeOutputs is not JsonObject byMedia)
            {
                result[nodeId] = nodeOutputs?.DeepClone();
                continue;
            }
            var node = new JsonObject();
            foreach (var (mediaType, items) in byMedia)
            {
                if (mediaType == "animated" || items is not JsonArray list)
                {
                    node[mediaType] = items?.DeepClone();
                    continue;
                }
                var normalized = new JsonArray();
                foreach (var item in list.Where(i => i is not null))
                {
                    normalized.Add((item is JsonObject ? null : Normalize(item)) ?? item!.DeepClone());
                }
                node[mediaType] = normalized;
            }
            result[nodeId] = node;
        }
        return result;
    }

    private static IEnumerable<(string NodeId, string MediaType, JsonNode? Item)> Items(JsonObject outputs)
    {
        foreach (var (nodeId, nodeOutputs) in outputs)
        {
            if (nodeOutputs is not JsonObject byMedia)
            {
                continue;
            }
            foreach (var (mediaType, items) in byMedia)
            {
                if (mediaType == "animated" || items is not JsonArray list)
                {
                    continue;
                }
                foreach (var item in list)
                {
                    yield return (nodeId, mediaType, item);
                }
            }
        }
    }

    /// <summary>normalize_output_item for non-dict items: a string naming a 3D file becomes a file entry; anything else none.</summary>
    private static JsonObject? Normalize(JsonNode? item) =>
        item is JsonValue v && v.GetValueKind() == JsonValueKind.String && EndsWithAny(v.GetValue<string>(), ThreeDExtensions)
            ? new JsonObject { ["filename"] = v.GetValue<string>(), ["type"] = "output", ["subfolder"] = "", ["mediaType"] = "3d" }
            : null;

    private static bool IsPreviewable(string mediaType, JsonObject item)
    {
        if (PreviewableMediaTypes.Contains(mediaType))
        {
            return true;
        }
        var format = Text(item["format"]) ?? "";
        if (format.StartsWith("video/", StringComparison.Ordinal) || format.StartsWith("audio/", StringComparison.Ordinal))
        {
            return true;
        }
        var filename = Text(item["filename"]) ?? "";
        return EndsWithAny(filename, ThreeDExtensions) || EndsWithAny(filename, TextExtensions);
    }

    private static bool IsTextPreview(string mediaType, JsonObject item) =>
        mediaType == "text" || EndsWithAny(Text(item["filename"]) ?? "", TextExtensions);

    private static JsonObject TextPreview(string value) =>
        value.Length <= TextPreviewMaxLength
            ? new JsonObject { ["content"] = value }
            : new JsonObject { ["content"] = value[..TextPreviewMaxLength], ["truncated"] = true };

    private static bool EndsWithAny(string filename, string[] extensions) =>
        extensions.Any(e => filename.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
