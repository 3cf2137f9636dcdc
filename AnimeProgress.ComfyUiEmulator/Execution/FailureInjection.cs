using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Json;

namespace AnimeProgress.ComfyUiEmulator.Execution;

/// <summary>
/// extra_data.emulator = {"fail_node": "id", "fail_message": "…"} makes that node raise a
/// RuntimeError halfway through its work. Real ComfyUI ignores unknown extra_data keys, so the
/// same submission also runs (successfully) against a real server.
/// </summary>
internal sealed record FailureInjection(string NodeId, string Message)
{
    public const string DefaultMessage = "Emulated failure requested through extra_data.emulator.fail_node";

    public static FailureInjection? From(JsonObject extraData)
    {
        if (extraData["emulator"] is not JsonObject emulator)
        {
            return null;
        }
        var nodeId = emulator["fail_node"] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonValue v when PyJson.IsInteger(v, out var n) => n.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        if (nodeId is null)
        {
            return null;
        }
        var message = emulator["fail_message"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? m.GetValue<string>() : DefaultMessage;
        return new FailureInjection(nodeId, message);
    }
}

/// <summary>A node raised while running; carries what execution_error reports.</summary>
internal sealed class NodeFailedException(string message, JsonObject currentInputs) : Exception(message)
{
    public JsonObject CurrentInputs => currentInputs;
}
