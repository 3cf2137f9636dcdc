using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Persistence;

/// <summary>
/// Keeps <c>production_jobs</c> in step with the live state without ever blocking it: the hub
/// hands over the newest snapshot per job, and a flush at most once per interval writes them all
/// in one transaction. While the database is unreachable, writes wait in memory (bounded; the
/// newest state per job, so a terminal state is never lost) and go out on recovery.
/// </summary>
public sealed partial class JobStore(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    ProgressHub hub,
    ProgressTracker tracker,
    IOptions<DatabaseOptions> options,
    TimeProvider time,
    ILogger<JobStore> logger) : BackgroundService
{
    private readonly Dictionary<long, JobSnapshot> _pending = [];
    private readonly Lock _gate = new();
    // Never disposed: a late batch or StopAsync after host disposal must still be able to wait on it.
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private HubSubscription? _subscription;

    /// <summary>Null while writes succeed; the last error while the database is unreachable.</summary>
    public string? LastError { get; private set; }

    public int PendingWrites
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Creates the schema and loads active and recent jobs before anything else starts.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            // Schema (issue 4): PostgreSQL migrations (or a fail-fast when MigrateOnStart is off); SQLite EnsureCreated + upgrade.
            await DatabaseInitializer.InitializeAsync(db, options.Value.MigrateOnStart, cancellationToken);
            var since = time.GetUtcNow() - TimeSpan.FromHours(24);
            var rows = await db.ProductionJobs.AsNoTracking()
                .Where(j => j.CompletedAt == null || j.CompletedAt >= since)
                .OrderByDescending(j => j.Id)
                .Take(1000)
                .ToListAsync(cancellationToken);
            var maxId = await db.ProductionJobs.MaxAsync(j => (long?)j.Id, cancellationToken) ?? 0;
            tracker.SeedIds(maxId);
            tracker.Post(new RestoreJobs([.. rows.Select(JobRowMapper.ToSnapshot)]));
            LogLoaded(rows.Count, maxId);
        }

        _subscription = hub.Subscribe(OnBatch, options.Value.FlushInterval);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Retries writes that failed while the database was away; normal writes flush from OnBatch.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (LastError is not null)
                {
                    await FlushAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async ValueTask OnBatch(HubBatch batch)
    {
        if (batch.Jobs.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var job in batch.Jobs)
            {
                // PostgreSQL (issue 4): begin. A row another program wrote is shown, never written back (that would
                // overwrite its values with the sanitised copy, e.g. an unknown status with "failed").
                if (job.Source == JobSource.Database)
                {
                    continue;
                }
                // PostgreSQL: end

                _pending[job.Id] = job;
            }

            TrimPending();
        }

        await FlushAsync(CancellationToken.None);
    }

    /// <summary>Writes everything pending in one transaction; on failure keeps it for the next try.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            List<JobSnapshot> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    return;
                }

                batch = [.. _pending.Values];
                _pending.Clear();
            }

            try
            {
                await WriteAsync(batch, cancellationToken);
                if (LastError is not null)
                {
                    LogRecovered(batch.Count);
                }

                LastError = null;
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or TimeoutException)
            {
                lock (_gate)
                {
                    foreach (var job in batch)
                    {
                        // Keep what failed unless a newer state arrived meanwhile.
                        if (!_pending.TryGetValue(job.Id, out var newer) || newer.Version < job.Version)
                        {
                            _pending[job.Id] = job;
                        }
                    }

                    TrimPending();
                }

                if (LastError is null)
                {
                    LogWriteFailed(ex, batch.Count);
                }

                LastError = ex.Message;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    private async Task WriteAsync(List<JobSnapshot> batch, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ids = batch.Select(j => j.Id).ToList();
        var existing = await db.ProductionJobs.Where(j => ids.Contains(j.Id)).ToDictionaryAsync(j => j.Id, cancellationToken);
        foreach (var snapshot in batch)
        {
            if (existing.TryGetValue(snapshot.Id, out var row))
            {
                JobRowMapper.CopyTo(snapshot, row);
            }
            else
            {
                // Fill the key before Add: the change tracker identifies new rows by it.
                row = new ProductionJobRow();
                JobRowMapper.CopyTo(snapshot, row);
                db.ProductionJobs.Add(row);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private void TrimPending()
    {
        var excess = _pending.Count - options.Value.MaxPendingWrites;
        if (excess <= 0)
        {
            return;
        }

        // Drop the stalest in-progress states first; terminal states are the ones that must survive.
        foreach (var id in _pending.Values.Where(j => !j.IsTerminal).OrderBy(j => j.UpdatedAt).Take(excess).Select(j => j.Id).ToList())
        {
            _pending.Remove(id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} jobs from the store; ids continue after {MaxId}")]
    private partial void LogLoaded(int count, long maxId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Database write of {Count} jobs failed; holding them in memory until it recovers")]
    private partial void LogWriteFailed(Exception ex, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database is back; flushed {Count} held job writes")]
    private partial void LogRecovered(int count);
}
