using AnimeProgress.Core.Cluster;
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
/// hands over the newest snapshot per job; stage and status changes are written at once, progress
/// at most once per flush interval per job, each flush in one transaction. While the database is
/// unreachable, writes wait in memory (bounded; the newest state per job, so a terminal state is
/// never lost) and go out on recovery. Only the node that ingests from ComfyUI writes.
/// </summary>
public sealed partial class JobStore(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    ProgressHub hub,
    ProgressTracker tracker,
    IngestionGate ingestion,
    IOptions<DatabaseOptions> options,
    TimeProvider time,
    ILogger<JobStore> logger) : BackgroundService
{
    private readonly Dictionary<long, JobSnapshot> _pending = [];
    private readonly Dictionary<long, WriteMark> _written = [];
    private readonly List<long> _deletes = [];
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
            var (rows, maxId) = await LoadRecentAsync(db, cancellationToken);
            if (ingestion.IsLeader)
            {
                Restore(rows, maxId);
            }
            else
            {
                // A node that does not ingest shows what the database says until (and unless) it leads.
                foreach (var row in rows)
                {
                    hub.Publish(row);
                }
            }

            LogLoaded(rows.Count, maxId);
        }

        hub.JobRetired += OnRetired;
        ingestion.Changed += OnLeadershipChanged;
        // Every change is offered at once; the debounce below decides what is written when.
        _subscription = hub.Subscribe(OnBatch, TimeSpan.Zero);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Taking over ingestion: the tracker starts from the newest rows (the previous leader's last writes),
    /// then the fleet's reconcile brings each job up to what ComfyUI says.
    /// </summary>
    public async Task RestoreForIngestionAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (rows, maxId) = await LoadRecentAsync(db, cancellationToken);
        Restore([.. rows.Select(r => r with { Version = (hub.Find(r.Id)?.Version ?? 0) + 1 })], maxId);
        var active = rows.Count(r => r.Status.IsActive());
        LogTakenOver(active);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        hub.JobRetired -= OnRetired;
        ingestion.Changed -= OnLeadershipChanged;
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private async Task<(List<JobSnapshot> Rows, long MaxId)> LoadRecentAsync(AnimeProgressDbContext db, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - TimeSpan.FromHours(24);
        var rows = await db.ProductionJobs.AsNoTracking()
            .Where(j => j.CompletedAt == null || j.CompletedAt >= since)
            .OrderByDescending(j => j.Id)
            .Take(1000)
            .ToListAsync(cancellationToken);
        var maxId = await db.ProductionJobs.MaxAsync(j => (long?)j.Id, cancellationToken) ?? 0;
        return ([.. rows.Select(JobRowMapper.ToSnapshot)], maxId);
    }

    /// <summary>
    /// Jobs the tracker can follow in ComfyUI go to it; rows another program drives with no prompt id are
    /// shown as they are (the tracker would only republish a stale copy of them).
    /// </summary>
    private void Restore(List<JobSnapshot> rows, long maxId)
    {
        tracker.SeedIds(maxId);
        tracker.Post(new RestoreJobs([.. rows.Where(r => r.Source != JobSource.Database || r.PromptId is not null)]));
        foreach (var row in rows.Where(r => r.Source == JobSource.Database && r.PromptId is null))
        {
            hub.Publish(row);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Writes progress that waited out its debounce; retries (at most every 2 s) while the database is away.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250), time);
        var retryAt = DateTimeOffset.MinValue;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (LastError is not null && time.GetUtcNow() < retryAt)
                {
                    continue;
                }

                await FlushAsync(dueOnly: true, stoppingToken);
                retryAt = time.GetUtcNow() + TimeSpan.FromSeconds(2);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async ValueTask OnBatch(HubBatch batch)
    {
        if (batch.Jobs.Count == 0 || !ingestion.IsLeader)
        {
            // Only the ingesting node writes: elsewhere the hub holds what the database already says.
            return;
        }

        var urgent = false;
        lock (_gate)
        {
            foreach (var job in batch.Jobs)
            {
                // A row another program wrote is shown, never written back (that would overwrite its values
                // with the sanitised copy, e.g. an unknown status with "failed").
                if (job.Source == JobSource.Database)
                {
                    continue;
                }

                _pending[job.Id] = job;
                urgent |= IsDue(job, time.GetUtcNow(), urgentOnly: true);
            }

            TrimPending();
        }

        if (urgent)
        {
            await FlushAsync(dueOnly: true, CancellationToken.None);
        }
    }

    /// <summary>
    /// Stage and status changes go out at once; progress of a job at most once per flush interval (it is
    /// on every dashboard live anyway; the row is for other nodes, other programs and restarts).
    /// </summary>
    private bool IsDue(JobSnapshot job, DateTimeOffset now, bool urgentOnly)
    {
        if (!_written.TryGetValue(job.Id, out var mark) || mark.Status != job.Status || mark.Stage != job.Stage)
        {
            return true;
        }

        return !urgentOnly && now - mark.At >= options.Value.FlushInterval;
    }

    private void OnRetired(long id)
    {
        lock (_gate)
        {
            _pending.Remove(id);
            _written.Remove(id);
            if (ingestion.IsLeader)
            {
                _deletes.Add(id);
            }
        }
    }

    private void OnLeadershipChanged(bool leading)
    {
        if (leading)
        {
            return;
        }

        // Another node writes now: progress held from before would overwrite its newer rows. Outcomes stay.
        lock (_gate)
        {
            foreach (var id in _pending.Values.Where(j => !j.IsTerminal).Select(j => j.Id).ToList())
            {
                _pending.Remove(id);
            }

            _written.Clear();
            _deletes.Clear();
        }
    }

    /// <summary>Writes everything pending (shutdown, tests) in one transaction; on failure keeps it for the next try.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => FlushAsync(dueOnly: false, cancellationToken);

    private async Task FlushAsync(bool dueOnly, CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            List<JobSnapshot> batch;
            List<long> deletes;
            var now = time.GetUtcNow();
            lock (_gate)
            {
                batch = [.. _pending.Values.Where(j => !dueOnly || IsDue(j, now, urgentOnly: false))];
                deletes = [.. _deletes];
                if (batch.Count == 0 && deletes.Count == 0)
                {
                    return;
                }

                foreach (var job in batch)
                {
                    _pending.Remove(job.Id);
                }

                _deletes.Clear();
            }

            try
            {
                // Not cancellable once taken: a shutdown mid-write must not drop what was taken from the queue.
                await WriteAsync(batch, deletes, CancellationToken.None);
                lock (_gate)
                {
                    foreach (var job in batch)
                    {
                        _written[job.Id] = new WriteMark(now, job.Status, job.Stage);
                    }

                    PruneMarks();
                }

                if (LastError is not null)
                {
                    LogRecovered(batch.Count);
                }

                LastError = null;
            }
            catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
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

                    _deletes.AddRange(deletes);
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

    private async Task WriteAsync(List<JobSnapshot> batch, List<long> deletes, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ids = batch.Select(j => j.Id).ToList();
        var existing = await db.ProductionJobs.Where(j => ids.Contains(j.Id)).ToDictionaryAsync(j => j.Id, cancellationToken);
        foreach (var snapshot in batch)
        {
            if (existing.TryGetValue(snapshot.Id, out var row))
            {
                // An outcome is final: a held in-progress state (an old leader's, written late after an outage)
                // never turns a finished row back into a running one.
                if (!snapshot.IsTerminal && JobStatusNames.FromWire(row.Status) is { } stored && stored.IsTerminal())
                {
                    continue;
                }

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
        if (deletes.Count > 0)
        {
            await db.ProductionJobs.Where(j => deletes.Contains(j.Id)).ExecuteDeleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
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

    /// <summary>Write marks of finished jobs are dropped once there are many: they are rarely written again.</summary>
    private void PruneMarks()
    {
        if (_written.Count <= 5_000)
        {
            return;
        }

        foreach (var id in _written.Where(m => m.Value.Status.IsTerminal()).Select(m => m.Key).ToList())
        {
            _written.Remove(id);
        }
    }

    private readonly record struct WriteMark(DateTimeOffset At, JobStatus Status, Stage Stage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} jobs from the store; ids continue after {MaxId}")]
    private partial void LogLoaded(int count, long maxId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Database write of {Count} jobs failed; holding them in memory until it recovers")]
    private partial void LogWriteFailed(Exception ex, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Taking over ingestion with {Active} active jobs from the database")]
    private partial void LogTakenOver(int active);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database is back; flushed {Count} held job writes")]
    private partial void LogRecovered(int count);
}
