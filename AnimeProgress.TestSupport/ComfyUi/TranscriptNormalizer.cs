using System.Text.Json.Nodes;

namespace AnimeProgress.TestSupport.ComfyUi;

/// <summary>
/// Issue 17's comparison rule for client transcripts, shared by the conformance test (against the emulator) and the
/// Bench's <c>relay-conformance</c> (against the real ComfyUI): removes from a JSON answer or frame exactly what may
/// differ between two servers running the same session (<c>sid</c>, timestamps, <c>extra_data.client_id</c>, the
/// prompt number) and nothing else. Text that is not JSON is kept as it is.
/// </summary>
public static class TranscriptNormalizer
{
    public static string Normalize(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return json;
        }

        Scrub(node, null);
        return node?.ToJsonString() ?? "null";
    }

    private static void Scrub(JsonNode? node, string? parentKey)
    {
        switch (node)
        {
            case JsonObject obj:
                obj.Remove("sid");
                obj.Remove("timestamp");
                obj.Remove("number");
                // The job API (newer servers) names the prompt number "priority" and its timestamps "*_time".
                obj.Remove("priority");
                foreach (var time in obj.Select(p => p.Key).Where(k => k.EndsWith("_time", StringComparison.Ordinal)).ToList())
                {
                    obj.Remove(time);
                }
                if (parentKey == "extra_data")
                {
                    obj.Remove("client_id");
                }

                foreach (var (key, value) in obj.ToList())
                {
                    Scrub(value, key);
                }

                break;
            case JsonArray array:
                // A queue item or a history entry's prompt: [number, prompt_id, graph, extra_data, outputs].
                if (parentKey is "prompt" or "queue_running" or "queue_pending" && array.Count == 5 && array[0] is JsonValue)
                {
                    array[0] = "number";
                    if (array[3] is JsonObject extra)
                    {
                        extra.Remove("client_id");
                    }
                }

                foreach (var item in array)
                {
                    Scrub(item, parentKey);
                }

                break;
        }
    }
}
