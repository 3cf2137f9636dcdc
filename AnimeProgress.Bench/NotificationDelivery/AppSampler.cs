using System.Globalization;
using AnimeProgress.Bench.WebSocketLoad;
using Microsoft.Data.Sqlite;

namespace AnimeProgress.Bench.NotificationDelivery;

/// <summary>
/// Reads the app from outside, as an operator's tools would: resident memory from /proc, the managed heap from its
/// Prometheus endpoint (a metrics port of its own, no sign-in), and the outbox from its SQLite file (read-only).
/// </summary>
internal sealed class AppSampler(int pid, Uri metrics, string databaseFile) : IDisposable
{
    /// <summary>Bytes of the managed heap after the last collection, summed over generations (System.Runtime meter).</summary>
    private const string HeapMetric = "dotnet_gc_last_collection_heap_size_bytes";

    private readonly ServerProcess _process = new(pid);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async Task<AppSample> SampleAsync(TimeSpan at, int received, CancellationToken cancellationToken)
    {
        var (pending, delivered, dead, events) = Outbox();
        return new AppSample(at, _process.ResidentBytes(), await HeapAsync(cancellationToken), received, pending, delivered, dead, events);
    }

    public double CpuSeconds() => _process.CpuSeconds();

    private async Task<long?> HeapAsync(CancellationToken cancellationToken)
    {
        try
        {
            return PrometheusSum(await _http.GetStringAsync(metrics, cancellationToken), HeapMetric);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The sum of a metric's samples (every label set) in Prometheus text; null when it is not there.</summary>
    internal static long? PrometheusSum(string text, string name)
    {
        double? sum = null;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not ('{' or ' '))
            {
                continue;
            }

            // "name{labels} value [timestamp]": the value follows the closing brace (labels may hold spaces).
            var rest = line[(line.IndexOf('}', StringComparison.Ordinal) is var brace and >= 0 ? brace + 1 : name.Length)..].Trim().Split(' ');
            if (double.TryParse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                sum = (sum ?? 0) + value;
            }
        }

        return sum is { } s ? (long)s : null;
    }

    private (int? Pending, int? Delivered, int? Dead, int? Events) Outbox()
    {
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = databaseFile,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
                DefaultTimeout = 2,
            }.ToString());
            connection.Open();
            using var states = connection.CreateCommand();
            states.CommandText = "SELECT state, COUNT(*) FROM notification_deliveries GROUP BY state";
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            using (var reader = states.ExecuteReader())
            {
                while (reader.Read())
                {
                    counts[reader.GetString(0)] = reader.GetInt32(1);
                }
            }

            using var events = connection.CreateCommand();
            events.CommandText = "SELECT COUNT(*) FROM notification_events";
            var eventCount = Convert.ToInt32(events.ExecuteScalar(), CultureInfo.InvariantCulture);
            return (counts.GetValueOrDefault("pending"), counts.GetValueOrDefault("delivered"), counts.GetValueOrDefault("dead"), eventCount);
        }
        catch (SqliteException)
        {
            // Not created yet, or busy past the timeout: this sample goes without the outbox.
            return (null, null, null, null);
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>One look at the app: time since the phase began, memory, requests answered by the receiver, the outbox.</summary>
internal sealed record AppSample(TimeSpan At, long ResidentBytes, long? HeapBytes, int Received, int? Pending, int? Delivered, int? Dead, int? Events);
