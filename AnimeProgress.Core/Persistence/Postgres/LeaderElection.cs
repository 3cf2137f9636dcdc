using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Persistence.Eta;
using AnimeProgress.Core.Resilience;
using AnimeProgress.Core.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>
/// Chooses the one node that ingests from ComfyUI: whoever holds a session-level PostgreSQL advisory lock
/// (one per schema) on its own connection. When the leader's process dies its session ends and the lock
/// with it; a follower trying every <see cref="ClusterOptions.LeaseCheckInterval"/> takes over. A leader
/// that loses its connection keeps ingesting (the dashboard must keep updating through a database outage)
/// and steps down only if, once reconnected, another node holds the lock.
/// </summary>
public sealed partial class LeaderElection(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    IngestionGate gate,
    JobStore store,
    EtaRunStore etaRuns,
    ProgressTracker tracker,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<LeaderElection> logger) : BackgroundService
{
    /// <summary>application_name of the lock connection, so operators (and tests) can find the leader in pg_stat_activity.</summary>
    public const string ApplicationName = "animeprogress-leader";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string connectionString;
        string lockName;
        await using (var db = await contexts.CreateDbContextAsync(stoppingToken))
        {
            // Keepalives: notice a half-open connection without waiting for the OS.
            connectionString = DedicatedConnectionString.For(db.Database.GetConnectionString(), ApplicationName, keepAliveSeconds: 5);
            lockName = "animeprogress-ingest:" + (db.Schema ?? "public");
        }

        var interval = options.Value.LeaseCheckInterval;
        var node = options.Value.EffectiveNodeName;
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(500), interval);
        try
        {
            await new DedicatedConnection<NpgsqlConnection>(() => new NpgsqlConnection(connectionString), backoff, time).RunAsync(
                SetServerKeepAlivesAsync,
                (connection, ct) => HoldLockAsync(connection, lockName, node, interval, ct),
                (ex, _) => LogConnectionLost(ex, node, gate.IsLeader),
                stoppingToken);
        }
        finally
        {
            // Shutting down: the session (and the lock) closed with the connection; another node takes over. What the
            // tracker published while this node led goes to the store first: once revoked, the store drops what reaches it.
            await store.TakePublishedAsync(CancellationToken.None);
            gate.Revoke();
        }
    }

    /// <summary>
    /// The server, too, must notice a vanished node (a network cut, not a crash) within seconds rather than hours,
    /// or its session would hold the lock and block any takeover.
    /// </summary>
    private static async Task SetServerKeepAlivesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var keepAlive = new NpgsqlCommand("SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3", connection);
        await keepAlive.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task HoldLockAsync(NpgsqlConnection connection, string lockName, string node, TimeSpan interval, CancellationToken stoppingToken)
    {
        while (!await TryLockAsync(connection, lockName, stoppingToken))
        {
            if (gate.IsLeader)
            {
                StepDown(node);
            }

            await Task.Delay(interval, time, stoppingToken);
        }

        if (gate.IsLeader)
        {
            LogKept(node);
        }
        else
        {
            // What every node learned is in the database: the new leader estimates with the runs the last one wrote.
            await etaRuns.ReloadAsync(stoppingToken);
            await store.RestoreForIngestionAsync(stoppingToken);
            gate.Grant(time.GetUtcNow());
            LogLeading(node);
        }

        // Holding: the lock lives as long as this session; a failed check means the session is gone.
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(interval, time, stoppingToken);
            await using var check = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = 5 };
            await check.ExecuteScalarAsync(stoppingToken);
        }
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, string lockName, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtext(@name))", connection) { CommandTimeout = 5 };
        command.Parameters.AddWithValue("name", lockName);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    private void StepDown(string node)
    {
        gate.Revoke();
        tracker.Post(new ReleaseJobs());
        LogSteppedDown(node);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} leads: it ingests from ComfyUI and writes production_jobs")]
    private partial void LogLeading(string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} reconnected and still holds the ingestion lock")]
    private partial void LogKept(string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} stepped down: another node took the ingestion lock while this one was disconnected")]
    private partial void LogSteppedDown(string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} lost its leader-election connection (leading: {Leading}); reconnecting")]
    private partial void LogConnectionLost(Exception ex, string node, bool leading);
}
