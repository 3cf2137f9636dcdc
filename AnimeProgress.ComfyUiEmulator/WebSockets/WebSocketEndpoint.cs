using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AnimeProgress.ComfyUiEmulator.WebSockets;

/// <summary>
/// /ws?clientId=ID. Greets with status (+ sid), re-announces the running node to a reconnecting
/// submitter, answers a first-frame feature_flags message and ignores every other client frame.
/// </summary>
internal static class WebSocketEndpoint
{
    private const int MaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>
    /// ComfyUI handles everything on one event loop, so an old socket's close frame that arrived
    /// before a reconnect is always processed first. Here the two race on different threads; a
    /// short grace lets the earlier close win, as it does on the real server. A socket that is
    /// really still open is replaced after the grace, keeping the §2 pitfall.
    /// </summary>
    private static readonly TimeSpan ReuseGrace = TimeSpan.FromMilliseconds(150);

    public static async Task HandleAsync(HttpContext context, EmulatorEngine engine, CancellationToken stopping)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var requested = context.Request.Query["clientId"].ToString();
        // Without a clientId ComfyUI makes up uuid4().hex.
        var clientId = requested.Length > 0 ? requested : Guid.NewGuid().ToString("N");
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        if (engine.Connections.Current(clientId) is { } previous)
        {
            await Task.WhenAny(previous.Unrouted, Task.Delay(ReuseGrace, stopping));
        }
        var connection = new ClientConnection(clientId, socket);
        if (!engine.Connections.Register(connection, () => Greeting(engine, clientId)))
        {
            connection.RequestClose(WebSocketCloseStatus.EndpointUnavailable);
            await connection.DrainAsync();
            connection.MarkFinished();
            return;
        }
        try
        {
            using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            await ReceiveAsync(engine, connection, aborted.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The peer vanished or the server is stopping.
        }
        finally
        {
            engine.Connections.Unregister(connection);
            connection.RequestClose(WebSocketCloseStatus.NormalClosure);
            await connection.DrainAsync();
            connection.MarkFinished();
        }
    }

    private static IEnumerable<JsonObject> Greeting(EmulatorEngine engine, string clientId)
    {
        yield return new JsonObject
        {
            ["type"] = "status",
            ["data"] = new JsonObject { ["status"] = JobMessenger.QueueInfo(engine.Queue.Remaining), ["sid"] = clientId },
        };
        // Only node, no prompt_id or display_node: that is what ComfyUI sends on reconnect.
        if (engine.Messenger.ClientId == clientId && engine.Messenger.LastNodeId is { } node)
        {
            yield return new JsonObject { ["type"] = "executing", ["data"] = new JsonObject { ["node"] = node } };
        }
    }

    private static async Task ReceiveAsync(EmulatorEngine engine, ClientConnection connection, CancellationToken cancellationToken)
    {
        var socket = connection.Socket;
        var buffer = new ArrayBufferWriter<byte>();
        var firstMessage = true;
        while (true)
        {
            buffer.Clear();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
                buffer.Advance(result.Count);
                if (buffer.WrittenCount > MaxMessageBytes)
                {
                    connection.RequestClose(WebSocketCloseStatus.MessageTooBig);
                    return;
                }
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                // The reply is sent after the route is gone (see finally), so a client whose
                // close completed knows its id is no longer routed.
                return;
            }
            if (result.MessageType != WebSocketMessageType.Text || !firstMessage)
            {
                continue;
            }
            JsonNode? message;
            try
            {
                message = JsonNode.Parse(buffer.WrittenSpan);
            }
            catch (JsonException)
            {
                // Unparsable text does not use up the "first message" (as in ComfyUI).
                continue;
            }
            firstMessage = false;
            if (message is JsonObject obj && obj["type"]?.GetValueKind() == JsonValueKind.String && obj["type"]!.GetValue<string>() == "feature_flags")
            {
                var supports = obj["data"]?["supports_preview_metadata"]?.GetValueKind() == JsonValueKind.True;
                engine.Connections.SetPreviewMetadata(connection.ClientId, supports);
                engine.Connections.SendJson("feature_flags", engine.FeatureFlags(), connection.ClientId);
            }
        }
    }
}
