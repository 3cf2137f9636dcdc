using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AnimeProgress.Core.Persistence.Postgres;
using Npgsql;

namespace AnimeProgress.Bench.ListenLatency;

/// <summary>
/// The bench's own LISTEN on the app's channel, beside the app's: when a change's notification reaches a
/// listener, which splits the end-to-end time into PostgreSQL's part (commit → notification) and the app's
/// (notification → /ws frame: reading the row, publishing it, sending it). It needs the payload's
/// <c>id</c> and <c>progress</c>; without them it records nothing and the split is left out.
/// </summary>
internal sealed class NotifyTap : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly Func<long, bool> _wanted;
    private readonly Dictionary<(long Id, double Progress), long> _first = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    private NotifyTap(NpgsqlConnection connection, Func<long, bool> wanted)
    {
        _connection = connection;
        _wanted = wanted;
    }

    public static async Task<NotifyTap> StartAsync(string connectionString, Func<long, bool> wanted, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "animeprogress-listen-bench-tap" };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        var tap = new NotifyTap(connection, wanted);
        connection.Notification += (_, e) => tap.OnNotification(e.Payload, Stopwatch.GetTimestamp());
        await connection.OpenAsync(cancellationToken);
        await using (var listen = new NpgsqlCommand($"LISTEN {PostgresNotifications.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }

        tap._loop = Task.Run(() => tap.WaitLoopAsync(), CancellationToken.None);
        return tap;
    }

    public string? Error { get; private set; }

    /// <summary>When the first notification of this row at this progress arrived, if it did.</summary>
    public long? ArrivedAt(long id, double progress)
    {
        lock (_first)
        {
            return _first.TryGetValue((id, progress), out var at) ? at : null;
        }
    }

    private async Task WaitLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await _connection.WaitAsync(_stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or InvalidOperationException)
        {
            Error = ex.Message;
        }
    }

    private void OnNotification(string payload, long timestamp)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            // The channel also carries other tables' changes; payloads without "table" are production_jobs (older triggers).
            if ((root.TryGetProperty("table", out var table) && table.GetString() != PostgresNotifications.JobsTable)
                || !root.TryGetProperty("id", out var id) || !id.TryGetInt64(out var jobId) || !_wanted(jobId)
                || !root.TryGetProperty("progress", out var p) || p.ValueKind != JsonValueKind.Number)
            {
                return;
            }

            lock (_first)
            {
                _first.TryAdd((jobId, Math.Round(p.GetDouble(), 1)), timestamp);
            }
        }
        catch (JsonException ex)
        {
            Error ??= string.Create(CultureInfo.InvariantCulture, $"a payload that is not JSON: {ex.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        await _connection.DisposeAsync();
        _stop.Dispose();
    }
}
