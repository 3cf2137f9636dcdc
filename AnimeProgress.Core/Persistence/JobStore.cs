using AnimeProgress.Core.Boundary;
using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence.WriteBehind;
using AnimeProgress.Core.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Persistence;

/// <summary>
/// Keeps <c>production_jobs</c> in step with the live state without ever blocking it: the hub hands over the
/// newest snapshot per job to a <see cref="WriteBehindBuffer{TKey, TItem}"/> whose rules (<see cref="JobWriteSink"/>)
/// write stage and status changes at once and progress at most once per flush interval per job. While the
/// database is unreachable, writes wait in memory (bounded; a terminal state is never dropped) and go out on
/// recovery. Only the node that ingests from ComfyUI writes. At start it creates the schema and restores jobs.
/// </summary>
public sealed partial class JobStore : BackgroundService
{
    // Progress that waited out its debounce goes out within a quarter second; while the database is away, every 2 s.
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(2);

    private readonly IDbContextFactory<AnimeProgressDbContext> _contexts;
    private readonly ProgressHub _hub;
    private readonly ProgressTracker _tracker;
    private readonly IngestionGate _ingestion;
    private readonly DatabaseOptions _options;
    private readonly InputLimits _limits;
    private readonly TimeProvider _time;
    private readonly ILogger<JobStore> _logger;
    private readonly JobWriteSink _sink;
    private readonly WriteBehindBuffer<long, JobWrite> _writes;
    private readonly Notifications.IJobOutcomeOutbox? _outbox;
    private HubSubscription? _subscription;

    public JobStore(
        IDbContextFactory<AnimeProgressDbContext> contexts,
        ProgressHub hub,
        ProgressTracker tracker,
        IngestionGate ingestion,
        IOptions<DatabaseOptions> options,
        IOptions<InputLimits> limits,
        TimeProvider time,
        ILogger<JobStore> logger,
        WriteBehindMetrics? writeBehindMetrics = null,
        Notifications.IJobOutcomeOutbox? outbox = null)
    {
        _contexts = contexts;
        _hub = hub;
        _tracker = tracker;
        _ingestion = ingestion;
        _options = options.Value;
        _limits = limits.Value;
        _time = time;
        _logger = logger;
        _outbox = outbox;
        _sink = new JobWriteSink(contexts, _options, logger, outbox);
        _writes = new WriteBehindBuffer<long, JobWrite>(_sink, time, writeBehindMetrics);
    }

    /// <summary>Null while writes succeed; the last error while the database is unreachable.</summary>
    public string? LastError => _writes.LastError;

    public int PendingWrites => _writes.Count;

    /// <summary>Creates the schema and loads active and recent jobs before anything else starts.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var db = await _contexts.CreateDbContextAsync(cancellationToken))
        {
            // Schema (issue 4): PostgreSQL migrations (or a fail-fast when MigrateOnStart is off); SQLite EnsureCreated + upgrade.
            await DatabaseInitializer.InitializeAsync(db, _options.MigrateOnStart, cancellationToken);
            var (rows, maxId) = await RecentJobs.LoadAsync(db, _limits, _time, cancellationToken);
            if (_ingestion.IsLeader)
            {
                Restore(rows, maxId);
            }
            else
            {
                // A node that does not ingest shows what the database says until (and unless) it leads.
                foreach (var row in rows)
                {
                    _hub.Publish(row);
                }
            }

            LogLoaded(rows.Count, maxId);
        }

        _hub.JobRetired += OnRetired;
        _ingestion.Changed += OnLeadershipChanged;
        // Every change is offered at once; the sink's rules decide what is written when.
        _subscription = _hub.Subscribe(OnBatchAsync, TimeSpan.Zero, subscriber: "job-store");
        await base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Taking over ingestion: the tracker starts from the newest rows (the previous leader's last writes),
    /// then the fleet's reconcile brings each job up to what ComfyUI says.
    /// </summary>
    public async Task RestoreForIngestionAsync(CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var (rows, maxId) = await RecentJobs.LoadAsync(db, _limits, _time, cancellationToken);
        Restore([.. rows.Select(r => r with { Version = Math.Max(r.Version, _hub.Find(r.Id)?.Version ?? 0) + 1 })], maxId);
        var active = rows.Count(r => r.Status.IsActive());
        LogTakenOver(active);
    }

    /// <summary>
    /// Takes every change the hub has published but not yet delivered to this store (delivery runs on the thread pool),
    /// so a stop or a step-down right after a job finished still writes its outcome: lost, the next start would
    /// restore the job as running and finish (and learn) it a second time.
    /// </summary>
    public Task TakePublishedAsync(CancellationToken cancellationToken) =>
        _subscription?.FlushAsync(cancellationToken) ?? Task.CompletedTask;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await TakePublishedAsync(cancellationToken);
        _subscription?.Dispose();
        _hub.JobRetired -= OnRetired;
        _ingestion.Changed -= OnLeadershipChanged;
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    /// <summary>Writes everything pending (shutdown, tests) in one transaction; on failure keeps it for the next try.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => _writes.FlushAsync(dueOnly: false, cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _writes.RunAsync(Tick, RetryPause, dueOnly: true, stoppingToken);

    /// <summary>
    /// Jobs the tracker can follow in ComfyUI go to it; rows another program drives with no prompt id are
    /// shown as they are (the tracker would only republish a stale copy of them).
    /// </summary>
    private void Restore(List<JobSnapshot> rows, long maxId)
    {
        _tracker.SeedIds(maxId);
        _tracker.Post(new RestoreJobs([.. rows.Where(r => r.Source != JobSource.Database || r.PromptId is not null)]));
        foreach (var row in rows.Where(r => r.Source == JobSource.Database && r.PromptId is null))
        {
            _hub.Publish(row);
        }
    }

    private async ValueTask OnBatchAsync(HubBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Jobs.Count == 0 || !_ingestion.IsLeader)
        {
            // Only the ingesting node writes: elsewhere the hub holds what the database already says.
            return;
        }

        await TellObservedOutcomesAsync(batch, cancellationToken);

        // A row another program wrote is shown, never written back (that would overwrite its values with the
        // sanitised copy, e.g. an unknown status with "failed").
        var urgent = _writes.Offer(batch.Jobs
            .Where(j => j.Source != JobSource.Database)
            .Select(j => KeyValuePair.Create(j.Id, JobWrite.Upsert(j))));
        if (urgent)
        {
            // The token only cancels waiting for a flush in progress: a taken batch is always written, and what still
            // waits when the subscription ends is written by StopAsync.
            await _writes.FlushAsync(dueOnly: true, cancellationToken);
        }
    }

    /// <summary>
    /// Outcomes of rows other programs wrote are not written here, so they are told here: the leader hands them to the
    /// notification outbox (issue 18). A failure is logged, not thrown: the hub's other work goes on, and the row is
    /// told when it is seen again (the next start).
    /// </summary>
    private async Task TellObservedOutcomesAsync(HubBatch batch, CancellationToken cancellationToken)
    {
        if (_outbox is null)
        {
            return;
        }

        var observed = batch.Jobs.Where(j => j is { Source: JobSource.Database, IsTerminal: true }).ToList();
        if (observed.Count == 0)
        {
            return;
        }

        try
        {
            await _outbox.ObservedAsync(observed, cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException || DatabaseErrors.IsTransient(ex))
        {
            LogObservedOutcomesFailed(ex, observed.Count);
        }
    }

    private void OnRetired(long id)
    {
        _sink.Forget(id);
        if (_ingestion.IsLeader)
        {
            // Replaces whatever state waited for the row.
            _writes.Offer([KeyValuePair.Create(id, JobWrite.Delete(id))]);
        }
        else
        {
            _writes.RemoveWhere((key, _) => key == id);
        }
    }

    private void OnLeadershipChanged(bool leading)
    {
        if (leading)
        {
            return;
        }

        // Another node writes now: progress held from before would overwrite its newer rows. Outcomes stay.
        _writes.RemoveWhere((_, write) => write.Snapshot is not { IsTerminal: true });
        _sink.ForgetAll();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the notifications of {Count} outcomes other programs wrote; they are told when the rows are seen again")]
    private partial void LogObservedOutcomesFailed(Exception ex, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} jobs from the store; ids continue after {MaxId}")]
    private partial void LogLoaded(int count, long maxId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Taking over ingestion with {Active} active jobs from the database")]
    private partial void LogTakenOver(int active);
}
