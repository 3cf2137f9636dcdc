using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;

namespace AnimeProgress.Bench.ListenLatency;

/// <summary>
/// A /ws client subscribed to every job (no <c>subscribe_job</c>: docs/api.md), as a dashboard or program is.
/// Each <c>progress_update</c> is stamped with <see cref="Stopwatch.GetTimestamp"/> the moment its last byte
/// is read, and kept as (id, progress, status, time) for the run's jobs.
/// </summary>
internal sealed class UpdateFeed : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Func<long, bool> _wanted;
    private readonly List<Arrival> _arrivals = new(16 * 1024);
    private readonly TaskCompletionSource _initial = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _receiver;

    /// <param name="wanted">Which job ids to keep updates of (the run's own rows).</param>
    public UpdateFeed(Func<long, bool> wanted) => _wanted = wanted;

    public readonly record struct Arrival(long Id, double Progress, string Status, long Timestamp);

    /// <summary>Every progress_update frame received, the run's or not.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    public string? Error { get; private set; }

    private long _frames;

    public async Task ConnectAsync(Uri appUrl, CancellationToken cancellationToken)
    {
        var ws = new UriBuilder(appUrl) { Scheme = appUrl.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;
        await _socket.ConnectAsync(ws, cancellationToken);
        _receiver = Task.Run(() => ReceiveAsync(cancellationToken), CancellationToken.None);
        // initial_jobs comes first: after it, every change is pushed.
        await _initial.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <summary>A copy of the arrivals so far.</summary>
    public Arrival[] Snapshot()
    {
        lock (_arrivals)
        {
            return [.. _arrivals];
        }
    }

    /// <summary>True once an update for <paramref name="id"/> arrived.</summary>
    public bool Saw(long id)
    {
        lock (_arrivals)
        {
            return _arrivals.Exists(a => a.Id == id);
        }
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var message = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Error ??= $"closed by the app: {_socket.CloseStatus} {_socket.CloseStatusDescription}";
                    return;
                }

                message.Write(buffer.AsSpan(0, result.Count));
                if (result.EndOfMessage)
                {
                    var received = Stopwatch.GetTimestamp();
                    try
                    {
                        OnMessage(message.WrittenSpan, received);
                    }
                    catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
                    {
                        Error ??= $"a frame the bench cannot read: {ex.Message}";
                    }

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
            _initial.TrySetException(new InvalidOperationException(Error ?? "the /ws connection ended before initial_jobs"));
        }
    }

    private void OnMessage(ReadOnlySpan<byte> frame, long timestamp)
    {
        using var json = JsonDocument.Parse(frame.ToArray());
        var root = json.RootElement;
        var type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type == "initial_jobs")
        {
            _initial.TrySetResult();
            return;
        }

        if (type != "progress_update" || !root.TryGetProperty("job", out var job))
        {
            return;
        }

        Interlocked.Increment(ref _frames);
        var id = job.GetProperty("id").GetInt64();
        if (!_wanted(id))
        {
            return;
        }

        var arrival = new Arrival(id, job.GetProperty("progress").GetDouble(), job.GetProperty("status").GetString() ?? "", timestamp);
        lock (_arrivals)
        {
            _arrivals.Add(arrival);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Common.SocketClosing.CloseQuietlyAsync(_socket);

        _socket.Abort();
        if (_receiver is not null)
        {
            await _receiver;
        }

        _socket.Dispose();
    }
}
