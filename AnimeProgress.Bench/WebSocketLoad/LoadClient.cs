using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace AnimeProgress.Bench.WebSocketLoad;

/// <summary>
/// One /ws client of the load run: reads every frame, and for each progress_update notes its size and
/// the delay from the job's <c>updated_at</c> (when the server produced the state) to its arrival.
/// Both clocks are this machine's, so the difference is the real event→frame latency.
/// </summary>
internal sealed class LoadClient : IAsyncDisposable
{
    private static readonly byte[] Marker = Encoding.UTF8.GetBytes("\"updated_at\":\"");
    private static readonly byte[] UpdateType = Encoding.UTF8.GetBytes("\"type\":\"progress_update\"");

    private readonly ClientWebSocket _socket = new();
    private readonly HttpMessageInvoker _invoker;
    private readonly List<float> _latencies = new(4096);
    private CountingStream? _wire;
    private volatile bool _measuring;
    private long _wireAtStart;
    private long _wireAtEnd;

    public LoadClient(bool compression)
    {
        if (compression)
        {
            _socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        }

        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, token);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }

                _wire = new CountingStream(new NetworkStream(socket, ownsSocket: true));
                return _wire;
            },
        };
        _invoker = new HttpMessageInvoker(handler);
    }

    public bool Connected { get; private set; }

    public string? Error { get; private set; }

    public int Updates { get; private set; }

    public long PayloadBytes { get; private set; }

    public long WireBytes => _wireAtEnd - _wireAtStart;

    public IReadOnlyList<float> Latencies => _latencies;

    public async Task ConnectAsync(Uri uri, string? token, CancellationToken cancellationToken)
    {
        if (token is not null)
        {
            _socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        try
        {
            await _socket.ConnectAsync(uri, _invoker, cancellationToken);
            Connected = true;
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException or OperationCanceledException)
        {
            Error = ex.Message;
        }
    }

    public void StartMeasuring()
    {
        _wireAtStart = _wire?.BytesRead ?? 0;
        _measuring = true;
    }

    public void StopMeasuring()
    {
        _measuring = false;
        _wireAtEnd = _wire?.BytesRead ?? 0;
    }

    /// <summary>Reads until the connection ends or the run is cancelled.</summary>
    public async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var message = new ArrayBufferWriter<byte>(1024);
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Error ??= $"closed by server: {_socket.CloseStatus} {_socket.CloseStatusDescription}";
                    return;
                }

                if (result.EndOfMessage && message.WrittenCount == 0)
                {
                    OnMessage(buffer.AsSpan(0, result.Count));
                    continue;
                }

                message.Write(buffer.AsSpan(0, result.Count));
                if (result.EndOfMessage)
                {
                    OnMessage(message.WrittenSpan);
                    message.Clear();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException ex)
        {
            Error ??= ex.Message;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void OnMessage(ReadOnlySpan<byte> frame)
    {
        var received = DateTime.UtcNow;
        if (!_measuring || frame.IndexOf(UpdateType) < 0)
        {
            return;
        }

        Updates++;
        PayloadBytes += frame.Length;
        var at = frame.IndexOf(Marker);
        // "2025-11-25T03:45:00.123Z": 24 characters, millisecond resolution.
        if (at >= 0 && frame.Length >= at + Marker.Length + 24
            && DateTime.TryParse(
                Encoding.ASCII.GetString(frame.Slice(at + Marker.Length, 24)),
                CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal,
                out var updated))
        {
            _latencies.Add((float)(received - updated).TotalMilliseconds);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Common.SocketClosing.CloseQuietlyAsync(_socket);

        _socket.Dispose();
        _invoker.Dispose();
    }
}
