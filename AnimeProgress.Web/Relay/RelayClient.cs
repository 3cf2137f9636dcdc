using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;

namespace AnimeProgress.Web.Relay;

/// <summary>
/// One client's socket on the relay: what ComfyUI would send that client goes into its outbox, and one writer sends
/// the outbox in order. The outbox is bounded in bytes (<see cref="RelayOptions.ClientBufferBytes"/>): a client that
/// stops reading is closed with 1008 and a sentence once that much waits, never allowed to hold the relay's memory.
/// The only thing a client sends that ComfyUI reads is a first <c>feature_flags</c> frame (reference §2).
/// </summary>
public sealed partial class RelayClient(WebSocket socket, string clientId, long bufferBytes, TimeProvider time, ILogger logger)
{
    public const string OverflowReason = "relay buffer full: the client did not read its socket";

    /// <summary>How long a close may wait for a client that does not read before its connection is dropped.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<RelayFrame> _outbox = Channel.CreateUnbounded<RelayFrame>(new UnboundedChannelOptions { SingleReader = true });
    private long _queuedBytes;
    private volatile bool _overflowed;
    private volatile bool _previewMetadata;
    private (WebSocketCloseStatus Status, string Reason)? _closeStatus;

    public string ClientId { get; } = clientId;

    /// <summary>The client asked for previews with metadata (binary type 4) in its first frame.</summary>
    public bool WantsPreviewMetadata => _previewMetadata;

    public bool Overflowed => _overflowed;

    /// <summary>Queues a frame; never blocks. Past the byte budget the client is marked for closing instead.</summary>
    public void Send(RelayFrame frame)
    {
        if (_overflowed)
        {
            return;
        }

        if (Interlocked.Add(ref _queuedBytes, frame.Bytes.Length) > bufferBytes)
        {
            _overflowed = true;
            _outbox.Writer.TryComplete();
            // The writer may be stuck in a send the client never reads; the close frame then cannot go out either.
            _ = AbortUnlessClosedAsync();
            return;
        }

        _outbox.Writer.TryWrite(frame);
    }

    /// <summary>Ends the session from the relay's side (the instance went away): the writer closes with <paramref name="status"/>.</summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        _closeStatus ??= (status, reason);
        _outbox.Writer.TryComplete();
    }

    /// <summary>Runs until the client or the relay closes the socket.</summary>
    public async Task RunAsync(Func<RelayClient, string, RelayFrame?> onFeatureFlags, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receiving = ReceiveAsync(onFeatureFlags, stop.Token);
        try
        {
            await WriteAsync(stop.Token);
            // A moment for the client's answer to our close (or for its own close to finish) before the socket goes.
            await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(2), time, CancellationToken.None));
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await receiving;
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
            {
                // The session is over either way.
            }
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync(cancellationToken))
            {
                if (_overflowed)
                {
                    break;
                }

                await socket.SendAsync(frame.Bytes, frame.Type, true, cancellationToken);
                Interlocked.Add(ref _queuedBytes, -frame.Bytes.Length);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            return;
        }

        if (_overflowed)
        {
            LogOverflow(ClientId, bufferBytes);
            await CloseAsync(WebSocketCloseStatus.PolicyViolation, OverflowReason);
        }
        else if (_closeStatus is { } close)
        {
            await CloseAsync(close.Status, close.Reason);
        }
        else if (socket.State == WebSocketState.CloseReceived)
        {
            await CloseAsync(WebSocketCloseStatus.NormalClosure, string.Empty);
        }
    }

    private async Task AbortUnlessClosedAsync()
    {
        await Task.Delay(CloseTimeout, time, CancellationToken.None);
        if (socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            socket.Abort();
        }
    }

    private async Task ReceiveAsync(Func<RelayClient, string, RelayFrame?> onFeatureFlags, CancellationToken cancellationToken)
    {
        try
        {
            await ReceiveFramesAsync(onFeatureFlags, cancellationToken);
        }
        finally
        {
            // However the client went (close, reset), nothing more is written to it.
            _outbox.Writer.TryComplete();
        }
    }

    private async Task ReceiveFramesAsync(Func<RelayClient, string, RelayFrame?> onFeatureFlags, CancellationToken cancellationToken)
    {
        // A feature_flags frame is small; a bigger frame is read to its end into a scratch buffer and ignored.
        var buffer = new byte[16 * 1024];
        var scratch = new byte[16 * 1024];
        var first = true;
        while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            var length = 0;
            var tooLong = false;
            ValueWebSocketReceiveResult result;
            do
            {
                var target = length < buffer.Length ? buffer.AsMemory(length) : scratch;
                result = await socket.ReceiveAsync(target, cancellationToken);
                if (length < buffer.Length)
                {
                    length += result.Count;
                }
                else
                {
                    tooLong = true;
                }
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            // ComfyUI reads only the first text frame, and only if it is feature_flags; everything else is ignored.
            if (first && !tooLong && result.MessageType == WebSocketMessageType.Text && ReadFeatureFlags(buffer.AsSpan(0, length)) is { } flags)
            {
                _previewMetadata = flags;
                if (onFeatureFlags(this, ClientId) is { } reply)
                {
                    Send(reply);
                }
            }

            first = false;
        }
    }

    /// <summary>Null when the frame is not a feature_flags message; else whether it asks for preview metadata.</summary>
    private static bool? ReadFeatureFlags(ReadOnlySpan<byte> frame)
    {
        try
        {
            var reader = new Utf8JsonReader(frame);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type)
                || type.ValueKind != JsonValueKind.String
                || type.GetString() != "feature_flags")
            {
                return null;
            }

            return root.TryGetProperty("data", out var data)
                && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("supports_preview_metadata", out var metadata)
                && metadata.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout, time);
            await socket.CloseOutputAsync(status, reason, timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            socket.Abort();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay client {ClientId} closed: over {BufferBytes} bytes waited for it (it did not read its socket)")]
    private partial void LogOverflow(string clientId, long bufferBytes);
}
