using System.Text.Json;
using System.Text.Json.Nodes;

namespace AnimeProgress.Core.ComfyUi;

/// <summary>
/// The first <c>inputs.filename_prefix</c> a prompt's graph names, skipping blanks and ComfyUI's default "ComfyUI":
/// the best name a prompt from another program has. Found in the tree, or straight in the JSON text so that a queue
/// of prompts nobody follows yet can still be listed by name without parsing their graphs.
/// </summary>
public static class GraphOutputPrefix
{
    private const string PropertyName = "filename_prefix";

    public static string? Find(JsonObject? graph)
    {
        if (graph is null)
        {
            return null;
        }

        foreach (var (_, value) in graph)
        {
            if (value is JsonObject { } node
                && node["inputs"] is JsonObject inputs
                && inputs[PropertyName] is JsonValue prefix
                && prefix.TryGetValue(out string? text)
                && IsName(text))
            {
                return text;
            }
        }

        return null;
    }

    /// <summary>The same, read token by token from the graph's JSON text (depth 1: nodes; 2: their fields; 3: inputs).</summary>
    public static string? Find(ReadOnlySpan<byte> graphJson)
    {
        var reader = new Utf8JsonReader(graphJson, new JsonReaderOptions { MaxDepth = 256 });
        var inInputs = false;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                if (reader.CurrentDepth == 1)
                {
                    inInputs = false;
                }
                else if (reader.CurrentDepth == 2)
                {
                    inInputs = reader.ValueTextEquals("inputs"u8);
                }
                else if (reader.CurrentDepth == 3 && inInputs && reader.ValueTextEquals(PropertyName))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } text && IsName(text))
                    {
                        return text;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A graph that is not valid JSON names nothing; the prompt is listed by its id.
        }

        return null;
    }

    private static bool IsName(string? text) => !string.IsNullOrWhiteSpace(text) && text != "ComfyUI";
}
