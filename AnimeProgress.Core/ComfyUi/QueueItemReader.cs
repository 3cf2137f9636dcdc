using System.Text.Json;
using AnimeProgress.Core.Boundary;

namespace AnimeProgress.Core.ComfyUi;

/// <summary>
/// One <c>/queue</c> entry, <c>[number, prompt_id, graph, extra_data, outputs]</c>, read token by token: the graph is
/// kept as its JSON text (parsed later, only if the prompt is followed) and of <c>extra_data</c> only the client id is
/// read, since ComfyUI's own frontend puts the whole editor workflow there. Anything unexpected is skipped; an entry
/// without a string prompt id is not a prompt.
/// </summary>
internal static class QueueItemReader
{
    public static QueueItem? Read(ReadOnlySpan<byte> entry, InputLimits limits)
    {
        var reader = new Utf8JsonReader(entry, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return null;
        }

        double number = 0;
        string? promptId = null, clientId = null;
        byte[]? graph = null;
        List<string> outputs = [];
        for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
        {
            switch (index)
            {
                case 0 when reader.TokenType == JsonTokenType.Number:
                    number = reader.TryGetDouble(out var n) ? n : 0;
                    break;
                case 1 when reader.TokenType == JsonTokenType.String:
                    promptId = BoundedText.Cap(reader.GetString(), limits.MaxPromptIdLength);
                    break;
                case 2 when reader.TokenType == JsonTokenType.StartObject:
                    var graphStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    graph = entry[graphStart..(int)reader.BytesConsumed].ToArray();
                    break;
                case 3 when reader.TokenType == JsonTokenType.StartObject:
                    clientId = BoundedText.Cap(ReadClientId(ref reader), limits.MaxNameLength);
                    break;
                case 4 when reader.TokenType == JsonTokenType.StartArray:
                    ReadOutputs(ref reader, outputs, limits);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return promptId is null ? null : QueueItem.FromGraphText(number, promptId, graph, clientId, outputs);
    }

    /// <summary>The top-level <c>client_id</c> of extra_data; leaves the reader on the object's end.</summary>
    private static string? ReadClientId(ref Utf8JsonReader reader)
    {
        string? clientId = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isClientId = reader.ValueTextEquals("client_id"u8);
            reader.Read();
            if (isClientId && reader.TokenType == JsonTokenType.String)
            {
                clientId = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return clientId;
    }

    private static void ReadOutputs(ref Utf8JsonReader reader, List<string> outputs, InputLimits limits)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                outputs.Add(BoundedText.Cap(reader.GetString(), limits.MaxNameLength)!);
            }
            else
            {
                reader.Skip();
            }
        }
    }
}
