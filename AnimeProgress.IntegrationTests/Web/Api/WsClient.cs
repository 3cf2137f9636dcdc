using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace AnimeProgress.IntegrationTests.Web.Api;

/// <summary>
/// A real <see cref="ClientWebSocket"/> against the running app, reading JSON messages with
/// generous timeouts (a loaded 2-core machine can be slow; tests never assert timings).
/// </summary>
internal sealed class WsClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly byte[] _buffer = new byte[1 << 16];

    private WsClient(ClientWebSocket socket)
    {
        Socket = socket;
    }

    public ClientWebSocket Socket { get; }

    /// <summary>Close status the server sent, once a close arrived.</summary>
    public WebSocketCloseStatus? CloseStatus => Socket.CloseStatus;

    public static Uri WsUri(Uri baseAddress, string? query = null) =>
        new UriBuilder(baseAddress) { Scheme = "ws", Path = "/ws", Query = query ?? "" }.Uri;

    public static async Task<WsClient> ConnectAsync(Uri baseAddress, Action<ClientWebSocketOptions>? configure = null, string? query = null, HttpMessageInvoker? invoker = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(DefaultTimeout);
        await socket.ConnectAsync(WsUri(baseAddress, query), invoker, timeout.Token);
        return new WsClient(socket);
    }

    /// <summary>Tries to connect and returns the HTTP status the server refused with (or 101 when it accepted).</summary>
    public static async Task<HttpStatusCode> StatusOfConnectAsync(Uri baseAddress, Action<ClientWebSocketOptions>? configure = null, string? query = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        try
        {
            await socket.ConnectAsync(WsUri(baseAddress, query), TestContext.Current.CancellationToken);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", TestContext.Current.CancellationToken);
            return socket.HttpStatusCode;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }

    public Task SendAsync(string json) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);

    public Task SendAsync(object message) => SendAsync(JsonSerializer.Serialize(message));

    /// <summary>The next message, or null when the server closed the connection.</summary>
    public async Task<JsonElement?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? DefaultTimeout);
        using var message = new MemoryStream();
        while (true)
        {
            var result = await Socket.ReceiveAsync(_buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(_buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                using var document = JsonDocument.Parse(message.ToArray());
                return document.RootElement.Clone();
            }
        }
    }

    /// <summary>Reads until a message matches; the others are skipped (updates keep arriving meanwhile).</summary>
    public async Task<JsonElement> ReceiveUntilAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("Timed out waiting for " + (what ?? "a message"));
            }

            JsonElement? message;
            try
            {
                message = await ReceiveAsync(left);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException("Timed out waiting for " + (what ?? "a message"));
            }

            if (message is null)
            {
                throw new InvalidOperationException($"The server closed the connection ({Socket.CloseStatus} {Socket.CloseStatusDescription}) while waiting for {what ?? "a message"}");
            }

            if (match(message.Value))
            {
                return message.Value;
            }
        }
    }

    public Task<JsonElement> ReceiveTypeAsync(string type, TimeSpan? timeout = null) =>
        ReceiveUntilAsync(m => Type(m) == type, timeout, type);

    /// <summary>Reads (and drops) messages until the server's close frame; returns its status.</summary>
    public async Task<WebSocketCloseStatus?> ReceiveCloseAsync(TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? DefaultTimeout);
        while (true)
        {
            var result = await Socket.ReceiveAsync(_buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return result.CloseStatus;
            }
        }
    }

    public static string? Type(JsonElement message) =>
        message.TryGetProperty("type", out var type) ? type.GetString() : null;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        Socket.Dispose();
    }
}
