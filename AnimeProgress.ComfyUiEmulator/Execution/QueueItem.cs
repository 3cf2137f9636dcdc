using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Json;

namespace AnimeProgress.ComfyUiEmulator.Execution;

/// <summary>
/// A queued prompt, shown by /queue and /history as ComfyUI's 5-element array
/// [number, prompt_id, prompt, extra_data, outputs_to_execute].
/// </summary>
internal sealed class QueueItem(JsonNode number, double priority, string promptId, JsonObject prompt, JsonObject extraData, IReadOnlyList<string> outputs)
{
    /// <summary>The number as the client sees it: an int from the counter (negated for front), or a float when the client gave one.</summary>
    public JsonNode Number => number;

    /// <summary>Execution order: ascending, ties broken by prompt id.</summary>
    public double Priority => priority;

    public string PromptId => promptId;

    public JsonObject Prompt => prompt;

    public JsonObject ExtraData => extraData;

    public IReadOnlyList<string> Outputs => outputs;

    /// <summary>extra_data.client_id: the socket that gets this job's messages.</summary>
    public string? ClientId => extraData["client_id"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public JsonArray ToJson() =>
        [number.DeepClone(), promptId, prompt.DeepClone(), extraData.DeepClone(), PyJson.Strings(outputs)];

    public static int Compare(QueueItem a, QueueItem b)
    {
        var byPriority = a.Priority.CompareTo(b.Priority);
        return byPriority != 0 ? byPriority : string.CompareOrdinal(a.PromptId, b.PromptId);
    }
}
