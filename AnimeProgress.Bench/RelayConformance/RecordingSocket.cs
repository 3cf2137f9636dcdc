using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace AnimeProgress.Bench.RelayConformance;

/// <summary>One frame a client received: a text message's type and data, or a binary frame's bytes.</summary>
internal sealed record ReceivedFrame(string Type, JsonObject? Data, byte[]? Binary)
{
    public bool IsBinary => Binary is not null;

    public uint BinaryType => Binary is { Length: >= 4 } b ? BinaryPrimitives.ReadUInt32BigEndian(b) : 0;

    public string? PromptId => Data?["prompt_id"] is JsonValue v && v.TryGetValue(out string? id) ? id : null;

    public string? Node => Data?["node"] is JsonValue v && v.TryGetValue(out string? node) ? node : null;

    public bool IsStatusBroadcast => Type == "status" && Data is not null && !Data.ContainsKey("sid");

    public int? QueueRemaining => Data?["status"]?["exec_info"]?["queue_remaining"] is JsonValue v && v.TryGetValue(out int n) ? n : null;
}

/// <summary>
/// A client's WebSocket to ComfyUI (or the relay) that records every frame it receives, with waits that look at the
/// record, never fixed sleeps. A small copy of the integration tests' WsProbe: the Bench does not reference the test
/// project, and the real server's sessions need only these few waits.
/// </summary>
internal sealed class RecordingSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<ReceivedFrame> _frames = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private Task? _receiver;
    private volatile bool _closed;

    public static async Task<RecordingSocket> ConnectAsync(Uri baseUrl, string clientId, CancellationToken cancellationToken)
    {
        var socket = new RecordingSocket();
        var uri = new Uri(baseUrl, "ws?clientId=" + Uri.EscapeDataString(clientId));
        await socket._socket.ConnectAsync(new UriBuilder(uri) { Scheme = uri.Scheme == "https" ? "wss" : "ws" }.Uri, cancellationToken);
        socket._receiver = Task.Run(socket.ReceiveLoopAsync, CancellationToken.None);
        return socket;
    }

    public IReadOnlyList<ReceivedFrame> Frames
    {
        get
        {
            lock (_gate)
            {
                return [.. _frames];
            }
        }
    }

    public Task SendTextAsync(string json, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>Waits for the first frame (from the start of the record) that matches.</summary>
    public async Task<ReceivedFrame> WaitForAsync(Func<ReceivedFrame, bool> match, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        while (true)
        {
            if (Frames.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            if (_closed)
            {
                throw new InvalidOperationException($"the socket closed before {what}");
            }

            try
            {
                await _arrived.WaitAsync(TimeSpan.FromMilliseconds(200), limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no {what} within {timeout.TotalSeconds:F0} s; last frames: "
                    + string.Join(" | ", Frames.TakeLast(5).Select(f => f.IsBinary ? "binary" : f.Type + " " + f.Data?.ToJsonString())));
            }
        }
    }

    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken);
            }
            catch (WebSocketException)
            {
                // Already gone: the record is what counts.
            }
        }

        if (_receiver is not null)
        {
            await _receiver;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await CloseAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _socket.Abort();
        }

        _socket.Dispose();
        _arrived.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    }

                    break;
                }

                var frame = result.MessageType == WebSocketMessageType.Binary
                    ? new ReceivedFrame("binary", null, message.ToArray())
                    : Parse(message.ToArray());
                lock (_gate)
                {
                    _frames.Add(frame);
                }

                _arrived.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            // The connection broke; waits report it.
        }
        finally
        {
            _closed = true;
            _arrived.Release();
        }
    }

    private static ReceivedFrame Parse(byte[] bytes)
    {
        var json = JsonNode.Parse(bytes)!.AsObject();
        return new ReceivedFrame(json["type"]!.GetValue<string>(), json["data"] as JsonObject, null);
    }
}
