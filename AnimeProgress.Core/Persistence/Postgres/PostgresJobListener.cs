using System.Text.Json;
using System.Threading.Channels;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>
/// LISTENs for the <c>production_jobs</c> trigger on its own unpooled connection (reconnecting with capped
/// backoff after the database goes away) and shows rows that another program changed: it reads the row and
/// publishes it to the hub with <see cref="JobSource.Database"/>. Notifications for rows this process wrote
/// itself (the hub already holds that <c>updated_at</c> or newer) and for jobs the tracker follows in ComfyUI
/// are ignored.
/// </summary>
public sealed partial class PostgresJobListener(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    ProgressHub hub,
    ILogger<PostgresJobListener> logger) : BackgroundService
{
    private readonly Channel<Notice> _notices = Channel.CreateBounded<Notice>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Notifications received (for tests and diagnostics).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Rows published to the hub as changed by another program.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>How many times the LISTEN connection was (re)established.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>True while the LISTEN connection is open.</summary>
    public bool Listening { get; private set; }

    /// <summary>application_name of the LISTEN connection, so operators (and tests) can find it in pg_stat_activity.</summary>
    public const string ApplicationName = "animeprogress-listen";

    private long _received;
    private long _connections;
    private long _published;

    private readonly record struct Notice(long Id, DateTimeOffset? UpdatedAt);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string connectionString;
        string? schema;
        await using (var db = await contexts.CreateDbContextAsync(stoppingToken))
        {
            connectionString = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false, ApplicationName = ApplicationName }.ConnectionString;
            schema = db.Schema;
        }

        var consumer = ConsumeAsync(stoppingToken);
        try
        {
            await ListenLoopAsync(connectionString, schema ?? "public", stoppingToken);
        }
        finally
        {
            _notices.Writer.TryComplete();
            await consumer;
        }
    }

    private async Task ListenLoopAsync(string connectionString, string schema, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += (_, e) => OnNotification(e.Payload, schema);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresNotifications.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                Listening = true;
                Interlocked.Increment(ref _connections);
                delay = TimeSpan.FromMilliseconds(500);
                LogListening(PostgresNotifications.Channel);
                while (!stoppingToken.IsCancellationRequested)
                {
                    // The timeout makes a dead connection surface at least every 30 s; notifications fire inside.
                    if (!await connection.WaitAsync(TimeSpan.FromSeconds(30), stoppingToken))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                if (Listening)
                {
                    LogLost(ex);
                }

                Listening = false;
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
            finally
            {
                Listening = false;
            }
        }
    }

    private void OnNotification(string payload, string schema)
    {
        Interlocked.Increment(ref _received);
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            if (root.TryGetProperty("schema", out var s) && s.GetString() != schema)
            {
                return;
            }

            // The channel also carries comfyui_instances changes ({"table":"comfyui_instances","name"}).
            if (root.TryGetProperty("table", out var t) && t.GetString() != PostgresNotifications.JobsTable)
            {
                return;
            }

            if (!root.TryGetProperty("id", out var id) || !id.TryGetInt64(out var jobId))
            {
                return;
            }

            DateTimeOffset? updatedAt = root.TryGetProperty("updated_at", out var u) && u.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(u.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed)
                ? parsed
                : null;
            _notices.Writer.TryWrite(new Notice(jobId, updatedAt));
        }
        catch (JsonException)
        {
            LogBadPayload(payload.Length);
        }
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notice in _notices.Reader.ReadAllAsync(stoppingToken))
            {
                if (IsOwnOrNotOurs(hub.Find(notice.Id), notice.UpdatedAt))
                {
                    continue;
                }

                try
                {
                    await using var db = await contexts.CreateDbContextAsync(stoppingToken);
                    var row = await db.ProductionJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == notice.Id, stoppingToken);
                    var current = hub.Find(notice.Id);
                    if (row is null || IsOwnOrNotOurs(current, row.UpdatedAt))
                    {
                        continue;
                    }

                    hub.Publish(JobRowMapper.ToSnapshot(row) with
                    {
                        Source = JobSource.Database,
                        Version = (current?.Version ?? 0) + 1,
                    });
                    Interlocked.Increment(ref _published);
                }
                catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    // The row is read again on its next change; the periodic reconcile (not built yet) is the safety net.
                    LogReadFailed(ex, notice.Id);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// True when the hub already shows this state or newer (this process wrote the row: PostgreSQL keeps
    /// microseconds, so our own writes compare equal or older), or the job is one the tracker follows in ComfyUI.
    /// </summary>
    private static bool IsOwnOrNotOurs(JobSnapshot? current, DateTimeOffset? rowUpdatedAt) =>
        current is not null && (current.Source != JobSource.Database || (rowUpdatedAt is { } at && at <= current.UpdatedAt));

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for production_jobs changes on channel {Channel}")]
    private partial void LogListening(string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the LISTEN connection to PostgreSQL; reconnecting")]
    private partial void LogLost(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a production_jobs notification that is not JSON ({Length} characters)")]
    private partial void LogBadPayload(int length);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read production_jobs row {Id} after a notification")]
    private partial void LogReadFailed(Exception ex, long id);
}
