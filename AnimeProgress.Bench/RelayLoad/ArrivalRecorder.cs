using System.Diagnostics;
using System.Net.WebSockets;

namespace AnimeProgress.Bench.RelayLoad;

/// <summary>
/// One WebSocket client that records when each frame arrived (the bench's own clock) and a fingerprint of it, so the
/// same frame can be found on a direct and a relayed socket. Recording starts at <see cref="Start"/>.
/// </summary>
internal sealed class ArrivalRecorder : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<(long At, ulong Fingerprint)> _frames = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _receiving;
    private volatile bool _recording;

    public IReadOnlyList<(long At, ulong Fingerprint)> Frames
    {
        get
        {
            lock (_gate)
            {
                return [.. _frames];
            }
        }
    }

    public static async Task<ArrivalRecorder> ConnectAsync(Uri url, CancellationToken cancellationToken)
    {
        var recorder = new ArrivalRecorder();
        await recorder._socket.ConnectAsync(url, cancellationToken);
        recorder._receiving = Task.Run(recorder.ReceiveAsync, CancellationToken.None);
        return recorder;
    }

    public void Start()
    {
        lock (_gate)
        {
            _frames.Clear();
        }

        _recording = true;
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[4 << 20];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(Math.Min(length, buffer.Length - 1)), _stop.Token);
                    length = Math.Min(length + result.Count, buffer.Length);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var at = Stopwatch.GetTimestamp();
                if (_recording)
                {
                    var fingerprint = Fingerprint(buffer.AsSpan(0, length));
                    lock (_gate)
                    {
                        _frames.Add((at, fingerprint));
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Stopped or dropped.
        }
    }

    /// <summary>FNV-1a over the frame: enough to tell frames apart, cheap enough for every frame.</summary>
    private static ulong Fingerprint(ReadOnlySpan<byte> frame)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in frame)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_receiving is not null)
        {
            await _receiving;
        }

        _socket.Abort();
        _socket.Dispose();
        _stop.Dispose();
    }
}
