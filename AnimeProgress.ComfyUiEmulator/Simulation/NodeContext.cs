using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Graph;
using AnimeProgress.ComfyUiEmulator.Json;

namespace AnimeProgress.ComfyUiEmulator.Simulation;

/// <summary>What a node simulation may look at: its literal inputs and the shapes arriving on its links.</summary>
internal sealed class NodeContext(PromptNode node, IReadOnlyDictionary<string, MediaShape> linkedShapes)
{
    public int Int(string input, int fallback)
    {
        var value = node.Inputs[input];
        if (PyJson.IsInteger(value, out var l))
        {
            return (int)Math.Clamp(l, int.MinValue, int.MaxValue);
        }
        return PyJson.TryGetDouble(value, out var d) ? (int)Math.Clamp(d, int.MinValue, int.MaxValue) : fallback;
    }

    public double Double(string input, double fallback) =>
        PyJson.TryGetDouble(node.Inputs[input], out var d) ? d : fallback;

    public string Text(string input, string fallback) =>
        node.Inputs[input] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : fallback;

    public bool Bool(string input, bool fallback) => node.Inputs[input] is JsonValue v ? v.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => fallback,
    } : fallback;

    /// <summary>The shape on a linked input, or the default when the input is not linked.</summary>
    public MediaShape Shape(string input) => linkedShapes.GetValueOrDefault(input) ?? MediaShape.Default;

    /// <summary>The linked input with the most frames: pass-through nodes keep the biggest batch.</summary>
    public MediaShape LargestInput() =>
        linkedShapes.Values.OrderByDescending(s => s.Frames).ThenByDescending(s => s.Pixels).FirstOrDefault() ?? MediaShape.Default;
}
