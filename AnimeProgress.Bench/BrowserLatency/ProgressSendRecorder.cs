using System.Net.WebSockets;
using System.Text.Json;

namespace AnimeProgress.Bench.BrowserLatency;

/// <summary>
/// A socket straight to an emulated ComfyUI that notes when each broadcast <c>progress</c> message arrived, in Unix
/// milliseconds (the clock the browser's timestamps are brought onto): the source side of event → DOM. On loopback the
/// arrival is within a fraction of a millisecond of the send.
/// </summary>
internal sealed class ProgressSendRecorder : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<ProgressSent> _sent = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _instance;
    private Task? _receiving;

    private ProgressSendRecorder(string instance) => _instance = instance;

    public IReadOnlyList<ProgressSent> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    public static async Task<ProgressSendRecorder> ConnectAsync(string instance, Uri url, CancellationToken cancellationToken)
    {
        var recorder = new ProgressSendRecorder(instance);
        await recorder._socket.ConnectAsync(url, cancellationToken);
        recorder._receiving = Task.Run(recorder.ReceiveAsync, CancellationToken.None);
        return recorder;
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 20];
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

                var at = UnixClock.NowMs();
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (result.MessageType == WebSocketMessageType.Text && Progress(buffer.AsSpan(0, length)) is { } step)
                {
                    lock (_gate)
                    {
                        _sent.Add(new ProgressSent(_instance, step, at));
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Stopped or dropped.
        }
    }

    private static int? Progress(ReadOnlySpan<byte> frame)
    {
        using var document = JsonDocument.Parse(frame.ToArray());
        var root = document.RootElement;
        return root.TryGetProperty("type", out var type) && type.ValueEquals("progress")
            && root.TryGetProperty("data", out var data) && data.TryGetProperty("value", out var value) && value.TryGetInt32(out var step)
            ? step
            : null;
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

/// <summary>A progress message an instance sent (step <see cref="Step"/>), and when, in Unix milliseconds.</summary>
internal sealed record ProgressSent(string Instance, int Step, double AtMs);

/// <summary>Unix time in milliseconds with sub-millisecond resolution, the unit of the browser's performance clock.</summary>
internal static class UnixClock
{
    public static double NowMs() => (TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalMilliseconds;
}
