using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace AnimeProgress.TestSupport.ComfyUi;

/// <summary>
/// A raw ClientWebSocket that records every frame it receives, with waits that poll the record
/// (never fixed sleeps), so assertions hold however slow the machine is. Used by the emulator and relay tests and by
/// the Bench's relay-conformance check against the real ComfyUI.
/// </summary>
public sealed class WsProbe : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<ReceivedMessage> _messages = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private Task? _receiver;

    private WsProbe(string? clientId) => ClientId = clientId;

    /// <summary>Generous: the suites must pass on a loaded 2-core machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public string? ClientId { get; }

    /// <summary>True once the server closed the connection or it broke.</summary>
    public bool Closed { get; private set; }

    public WebSocketState State => _socket.State;

    public static async Task<WsProbe> ConnectAsync(Uri baseUrl, string? clientId, CancellationToken cancellationToken, string path = "ws")
    {
        var probe = new WsProbe(clientId);
        var query = clientId is null ? "" : "?clientId=" + Uri.EscapeDataString(clientId);
        var uri = new Uri(baseUrl, path + query);
        var wsUri = new UriBuilder(uri) { Scheme = uri.Scheme == "https" ? "wss" : "ws" }.Uri;
        await probe._socket.ConnectAsync(wsUri, cancellationToken);
        probe._receiver = Task.Run(probe.ReceiveLoopAsync, CancellationToken.None);
        return probe;
    }

    public IReadOnlyList<ReceivedMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public IReadOnlyList<ReceivedMessage> ForPrompt(string promptId) =>
        [.. Messages.Where(m => m.PromptId == promptId)];

    public Task SendTextAsync(string json, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>Waits for the first message (from the start of the record) that matches.</summary>
    public async Task<ReceivedMessage> WaitForAsync(Func<ReceivedMessage, bool> match, CancellationToken cancellationToken, TimeSpan? timeout = null, string what = "the expected message")
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? DefaultTimeout);
        while (true)
        {
            var found = Messages.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }
            if (Closed)
            {
                throw new InvalidOperationException($"Socket {ClientId} closed before {what}; got: {Describe()}");
            }
            try
            {
                await _arrived.WaitAsync(TimeSpan.FromMilliseconds(200), limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Socket {ClientId} did not receive {what}; got: {Describe()}");
            }
        }
    }

    /// <summary>Waits until a status broadcast (not the greeting) says the queue is empty.</summary>
    public Task<ReceivedMessage> WaitForEmptyQueueAsync(CancellationToken cancellationToken) =>
        WaitForAsync(m => m.Type == "status" && !m.Data!.ContainsKey("sid") && (int)m.Data["status"]!["exec_info"]!["queue_remaining"]! == 0, cancellationToken);

    public Task<ReceivedMessage> WaitForAsync(string type, CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        WaitForAsync(m => m.Type == type, cancellationToken, timeout);

    /// <summary>The end of a job for its submitter: executing {node: null, prompt_id}.</summary>
    public Task<ReceivedMessage> WaitForJobEndAsync(string promptId, CancellationToken cancellationToken) =>
        WaitForAsync(m => m.IsExecutingNull && m.PromptId == promptId, cancellationToken);

    public async Task WaitForCloseAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(DefaultTimeout);
        while (!Closed)
        {
            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(100), limit.Token);
        }
    }

    public string Describe() => string.Join(" ", Messages.Select(m => m.ToString()));

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
                Add(result.MessageType == WebSocketMessageType.Binary
                    ? new ReceivedMessage("binary", null, message.ToArray())
                    : Parse(message.ToArray()));
            }
        }
        catch (WebSocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            Closed = true;
            _arrived.Release();
        }
    }

    private static ReceivedMessage Parse(byte[] bytes)
    {
        var json = JsonNode.Parse(bytes)!.AsObject();
        return new ReceivedMessage(json["type"]!.GetValue<string>(), json["data"] as JsonObject, null);
    }

    private void Add(ReceivedMessage message)
    {
        lock (_gate)
        {
            _messages.Add(message);
        }
        _arrived.Release();
    }
}
