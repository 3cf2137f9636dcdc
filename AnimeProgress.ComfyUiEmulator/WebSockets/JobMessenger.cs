using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Imaging;
using AnimeProgress.ComfyUiEmulator.Simulation;

namespace AnimeProgress.ComfyUiEmulator.WebSockets;

/// <summary>
/// Who receives what (reference §3). ComfyUI keeps one "current client" (the running prompt's
/// client_id) and addresses job messages to it; with no client_id some messages are broadcast
/// and the rest go nowhere.
/// </summary>
internal sealed class JobMessenger(ConnectionRegistry registry)
{
    private volatile string? _clientId;
    private volatile string? _lastNodeId;

    /// <summary>client_id of the prompt running now (or last). Like ComfyUI it stays set after the job.</summary>
    public string? ClientId
    {
        get => _clientId;
        set => _clientId = value;
    }

    /// <summary>Display id of the node last announced by executing; null between jobs. Sent to a reconnecting submitter.</summary>
    public string? LastNodeId
    {
        get => _lastNodeId;
        set => _lastNodeId = value;
    }

    /// <summary>status: every socket, on every queue change.</summary>
    public void QueueStatus(int queueRemaining) =>
        registry.SendJson("status", new JsonObject { ["status"] = QueueInfo(queueRemaining) }, clientId: null);

    /// <summary>execution_start/cached/success/error, executing, executed: the submitter only, nobody without client_id.</summary>
    public void ToSubmitter(string type, JsonObject data)
    {
        if (ClientId is { } clientId)
        {
            registry.SendJson(type, data, clientId);
        }
    }

    /// <summary>progress, progress_state, execution_interrupted: the submitter, or every socket without client_id.</summary>
    public void ToSubmitterOrEveryone(string type, JsonObject data) => registry.SendJson(type, data, ClientId);

    /// <summary>
    /// One progress update in ComfyUI's order: progress_state, the type-4 preview (only for a
    /// submitter that negotiated metadata), progress, then the type-1 preview (everyone else's format).
    /// </summary>
    public void Progress(string promptId, string nodeId, JsonNode value, JsonNode max, JsonObject progressState, PreviewFormat preview, int step, int total)
    {
        ToSubmitterOrEveryone("progress_state", progressState);
        var image = preview switch
        {
            PreviewFormat.Jpeg => PreviewPainter.Jpeg(step, total),
            PreviewFormat.Png => PreviewPainter.Png(step, total),
            _ => null,
        };
        var clientId = ClientId;
        var withMetadata = image is not null && registry.SupportsPreviewMetadata(clientId);
        if (withMetadata)
        {
            var metadata = new JsonObject
            {
                ["node_id"] = nodeId,
                ["prompt_id"] = promptId,
                ["display_node_id"] = nodeId,
                ["parent_node_id"] = null,
                ["real_node_id"] = nodeId,
                ["image_type"] = preview == PreviewFormat.Png ? "image/png" : "image/jpeg",
            };
            registry.SendBinary(BinaryFrames.PreviewWithMetadata(metadata, image), clientId);
        }
        ToSubmitterOrEveryone("progress", new JsonObject { ["value"] = value, ["max"] = max, ["prompt_id"] = promptId, ["node"] = nodeId });
        if (image is not null && !withMetadata)
        {
            var format = preview == PreviewFormat.Png ? BinaryFrames.FormatPng : BinaryFrames.FormatJpeg;
            registry.SendBinary(BinaryFrames.Preview(format, image), clientId);
        }
    }

    public static JsonObject QueueInfo(int queueRemaining) =>
        new() { ["exec_info"] = new JsonObject { ["queue_remaining"] = queueRemaining } };
}
