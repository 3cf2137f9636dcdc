using System.Text.Json;
using System.Threading.Channels;
using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using AnimeProgress.Core.Tracking;
using Npgsql;

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>
/// LISTENs for the <c>production_jobs</c> trigger on its own unpooled connection (reconnecting with capped
/// backoff after the database goes away) and shows changed rows: it reads the row and publishes it to the hub.
/// On a follower node that is every job (the leader's writes included); on the leader, rows of jobs its own
/// tracker follows are skipped, and a row another program wrote that names a ComfyUI prompt is handed to the
/// tracker to follow. After every (re)connect, and every <see cref="DatabaseOptions.ReconcileInterval"/>, active
/// and recently changed rows are read again, so a notification lost in an outage is corrected.
/// </summary>
public sealed partial class PostgresJobListener(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    ProgressHub hub,
    ProgressTracker tracker,
    IngestionGate ingestion,
    IOptions<DatabaseOptions> options,
    IOptions<TrackerOptions> trackerOptions,
    TimeProvider time,
    ILogger<PostgresJobListener> logger) : BackgroundService
{
    private readonly Channel<Notice> _notices = Channel.CreateBounded<Notice>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Notifications received (for tests and diagnostics).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Rows published to the hub because the database held something newer than the hub.</summary>
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

    /// <summary>A changed job row (by id), an instance row (by name), or a catch-up read of everything active or recently changed.</summary>
    private readonly record struct Notice(long? Id, string? Instance = null, bool Deleted = false);

    private const int MaxRowsPerRead = 500;

    private DateTimeOffset _watermark = time.GetUtcNow() - TimeSpan.FromMinutes(1);

    /// <summary>Catch-up reads done (after each LISTEN connect and every reconcile interval).</summary>
    public long CatchUps => Interlocked.Read(ref _catchUps);

    private long _catchUps;

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
        var reconcile = ReconcileLoopAsync(stoppingToken);
        try
        {
            await ListenLoopAsync(connectionString, schema ?? "public", stoppingToken);
        }
        finally
        {
            _notices.Writer.TryComplete();
            await consumer;
            await reconcile;
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
                // Whatever changed while nobody listened (a database restart, a network cut) is read now.
                _notices.Writer.TryWrite(new Notice(null));
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

            // The channel carries production_jobs and comfyui_instances changes.
            var table = root.TryGetProperty("table", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : PostgresNotifications.JobsTable;
            if (table == PostgresNotifications.InstancesTable)
            {
                if (root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    _notices.Writer.TryWrite(new Notice(null, name.GetString()));
                }

                return;
            }

            if (table != PostgresNotifications.JobsTable)
            {
                return;
            }

            if (!root.TryGetProperty("id", out var id) || !id.TryGetInt64(out var jobId))
            {
                return;
            }

            if (root.TryGetProperty("op", out var op) && op.ValueKind == JsonValueKind.String && op.GetString() == "delete")
            {
                _notices.Writer.TryWrite(new Notice(jobId, Deleted: true));
                return;
            }

            _notices.Writer.TryWrite(new Notice(jobId));
        }
        catch (JsonException)
        {
            LogBadPayload(payload.Length);
        }
    }

    /// <summary>The safety net: even a lost notification is corrected within one interval.</summary>
    private async Task ReconcileLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReconcileInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                _notices.Writer.TryWrite(new Notice(null));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _notices.Reader.WaitToReadAsync(stoppingToken))
            {
                // Everything waiting is read in one round trip: a burst of notifications costs one query, not one each.
                var ids = new HashSet<long>();
                var instances = new HashSet<string>(StringComparer.Ordinal);
                var catchUp = false;
                while (ids.Count < MaxRowsPerRead && _notices.Reader.TryRead(out var notice))
                {
                    if (notice is { Deleted: true, Id: { } gone })
                    {
                        Remove(gone);
                        ids.Remove(gone);
                    }
                    else if (notice.Id is { } id)
                    {
                        ids.Add(id);
                    }
                    else if (notice.Instance is { } name)
                    {
                        instances.Add(name);
                    }
                    else
                    {
                        catchUp = true;
                    }
                }

                try
                {
                    await using var db = await contexts.CreateDbContextAsync(stoppingToken);
                    if (ids.Count > 0)
                    {
                        foreach (var row in await db.ProductionJobs.AsNoTracking().Where(j => ids.Contains(j.Id)).ToListAsync(stoppingToken))
                        {
                            Apply(row);
                        }
                    }

                    if (instances.Count > 0)
                    {
                        ApplyInstances(await db.ComfyUiInstances.AsNoTracking().Where(r => instances.Contains(r.Name)).ToListAsync(stoppingToken));
                    }

                    if (catchUp)
                    {
                        await CatchUpAsync(db, stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Read again on the rows' next change, or by the next catch-up, which now looks back past this
                    // failure (a row finished meanwhile is otherwise outside its window). Never let the loop die.
                    _watermark = Min(_watermark, time.GetUtcNow() - TimeSpan.FromMinutes(1));
                    LogReadFailed(ex, ids.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private async Task CatchUpAsync(AnimeProgressDbContext db, CancellationToken stoppingToken)
    {
        // A little overlap: clocks of the writers and of this node may disagree by a few seconds.
        var since = _watermark - TimeSpan.FromSeconds(10);
        var rows = await db.ProductionJobs.AsNoTracking()
            .Where(j => j.CompletedAt == null || j.UpdatedAt >= since)
            .OrderByDescending(j => j.UpdatedAt)
            .Take(2000)
            .ToListAsync(stoppingToken);
        foreach (var row in rows)
        {
            Apply(row);
        }

        ApplyInstances(await db.ComfyUiInstances.AsNoTracking().ToListAsync(stoppingToken));
        ForgetOldFinished();
        Interlocked.Increment(ref _catchUps);
    }

    /// <summary>
    /// A node that does not ingest keeps finished jobs as long as the leader's tracker does (which forgets them on
    /// the leader); without this a follower's memory and list would only grow.
    /// </summary>
    private void ForgetOldFinished()
    {
        if (ingestion.IsLeader)
        {
            return;
        }

        var cutoff = time.GetUtcNow() - trackerOptions.Value.FinishedRetention;
        var finished = hub.Jobs.Where(j => j.IsTerminal).OrderByDescending(j => j.FinishedAt ?? j.UpdatedAt).ToList();
        foreach (var job in finished.Skip(trackerOptions.Value.MaxFinishedRetained).Concat(finished.Where(j => (j.FinishedAt ?? j.UpdatedAt) < cutoff)))
        {
            hub.Forget(job.Id);
        }
    }

    /// <summary>A deleted row's job leaves the dashboards, unless this node's tracker follows it (then ComfyUI says what it is).</summary>
    private void Remove(long id)
    {
        if (ingestion.IsLeader && tracker.IsFollowing(id))
        {
            return;
        }

        hub.Forget(id);
    }

    /// <summary>The ingesting node's view of each ComfyUI machine; the leader has its own, first-hand.</summary>
    private void ApplyInstances(List<ComfyUiInstanceRow> rows)
    {
        if (ingestion.IsLeader)
        {
            return;
        }

        foreach (var status in rows.Select(InstanceStatusStore.Read).OfType<Fleet.InstanceStatus>())
        {
            hub.Publish(status);
        }
    }

    /// <summary>
    /// Shows a row unless the hub already shows exactly it, or this node's tracker follows the job (the row is
    /// then this node's own write, or another program's value for a job ComfyUI tells us about first-hand).
    /// </summary>
    private void Apply(ProductionJobRow row)
    {
        if (row.UpdatedAt > _watermark)
        {
            _watermark = row.UpdatedAt;
        }

        var leading = ingestion.IsLeader;
        if (leading && tracker.IsFollowing(row.Id))
        {
            return;
        }

        var snapshot = JobRowMapper.ToSnapshot(row);
        if (leading && snapshot is { Source: JobSource.Database, PromptId: not null })
        {
            tracker.Post(new AdoptJob(snapshot));
        }

        var current = hub.Find(row.Id);
        if (current is not null && current == snapshot with { Version = current.Version })
        {
            return;
        }

        hub.Publish(snapshot with { Version = (current?.Version ?? 0) + 1 });
        Interlocked.Increment(ref _published);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for production_jobs changes on channel {Channel}")]
    private partial void LogListening(string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the LISTEN connection to PostgreSQL; reconnecting")]
    private partial void LogLost(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a production_jobs notification that is not JSON ({Length} characters)")]
    private partial void LogBadPayload(int length);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read {Count} changed production_jobs rows (or a catch-up read); the next catch-up reads them")]
    private partial void LogReadFailed(Exception ex, int count);
}
