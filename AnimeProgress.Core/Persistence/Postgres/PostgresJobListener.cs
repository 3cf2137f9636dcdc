using System.Threading.Channels;
using AnimeProgress.Core.Boundary;
using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Resilience;
using AnimeProgress.Core.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>
/// LISTENs for the <c>production_jobs</c> trigger on its own unpooled connection (a <see cref="DedicatedConnection{T}"/>,
/// reconnecting with capped backoff, 0.5 s to 10 s) and turns each notification into a <see cref="ListenerNotice"/>;
/// <see cref="ChangedRowReader"/> reads the rows and <see cref="ChangedRowPublisher"/> shows them. After every
/// (re)connect, and every <see cref="DatabaseOptions.ReconcileInterval"/>, active and recently changed rows are read
/// again, so a notification lost in an outage is corrected.
/// </summary>
public sealed partial class PostgresJobListener : BackgroundService
{
    /// <summary>application_name of the LISTEN connection, so operators (and tests) can find it in pg_stat_activity.</summary>
    public const string ApplicationName = "animeprogress-listen";

    private static readonly ReconnectBackoff Backoff = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10));

    private readonly Channel<ListenerNotice> _notices = Channel.CreateBounded<ListenerNotice>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly IDbContextFactory<AnimeProgressDbContext> _contexts;
    private readonly DatabaseOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresJobListener> _logger;
    private readonly ChangedRowPublisher _publisher;
    private readonly ChangedRowReader _reader;
    private long _received;
    private long _connections;

    public PostgresJobListener(
        IDbContextFactory<AnimeProgressDbContext> contexts,
        ProgressHub hub,
        ProgressTracker tracker,
        IngestionGate ingestion,
        IOptions<DatabaseOptions> options,
        IOptions<TrackerOptions> trackerOptions,
        IOptions<InputLimits> limits,
        TimeProvider time,
        ILogger<PostgresJobListener> logger)
    {
        _contexts = contexts;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _publisher = new ChangedRowPublisher(hub, tracker, ingestion, trackerOptions.Value, time);
        _reader = new ChangedRowReader(contexts, _notices.Reader, _publisher, limits.Value, time, logger);
    }

    /// <summary>Notifications received (for tests and diagnostics).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Rows published to the hub because the database held something newer than the hub.</summary>
    public long Published => _publisher.Published;

    /// <summary>How many times the LISTEN connection was (re)established.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>True while the LISTEN connection is open.</summary>
    public bool Listening { get; private set; }

    /// <summary>Catch-up reads done (after each LISTEN connect and every reconcile interval).</summary>
    public long CatchUps => _reader.CatchUps;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string connectionString;
        string schema;
        await using (var db = await _contexts.CreateDbContextAsync(stoppingToken))
        {
            connectionString = DedicatedConnectionString.For(db.Database.GetConnectionString(), ApplicationName);
            schema = db.Schema ?? "public";
        }

        var consumer = _reader.RunAsync(stoppingToken);
        var reconcile = ReconcileLoopAsync(stoppingToken);
        try
        {
            var connection = new DedicatedConnection<NpgsqlConnection>(() => new NpgsqlConnection(connectionString), Backoff, _time);
            await connection.RunAsync((c, ct) => ListenAsync(c, schema, ct), HoldAsync, OnLost, stoppingToken);
        }
        finally
        {
            _notices.Writer.TryComplete();
            await consumer;
            await reconcile;
        }
    }

    private async Task ListenAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        connection.Notification += (_, e) => OnNotification(e.Payload, schema);
        await using var listen = new NpgsqlCommand($"LISTEN {PostgresNotifications.Channel}", connection);
        await listen.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task HoldAsync(NpgsqlConnection connection, CancellationToken stoppingToken)
    {
        Listening = true;
        Interlocked.Increment(ref _connections);
        try
        {
            // Whatever changed while nobody listened (a database restart, a network cut) is read now.
            _notices.Writer.TryWrite(ListenerNotice.CatchUp);
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
        finally
        {
            Listening = false;
        }
    }

    /// <summary>Only a lost session is worth a warning; failed attempts to connect again stay quiet.</summary>
    private void OnLost(Exception ex, bool established)
    {
        if (established)
        {
            LogLost(ex);
        }
    }

    private void OnNotification(string payload, string schema)
    {
        Interlocked.Increment(ref _received);
        if (!ListenerNotificationParser.TryParse(payload, schema, out var notice))
        {
            LogBadPayload(payload.Length);
        }
        else if (notice is { } readable)
        {
            _notices.Writer.TryWrite(readable);
        }
    }

    /// <summary>The safety net: even a lost notification is corrected within one interval.</summary>
    private async Task ReconcileLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ReconcileInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                _notices.Writer.TryWrite(ListenerNotice.CatchUp);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for production_jobs changes on channel {Channel}")]
    private partial void LogListening(string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the LISTEN connection to PostgreSQL; reconnecting")]
    private partial void LogLost(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a production_jobs notification that is not JSON ({Length} characters)")]
    private partial void LogBadPayload(int length);
}
