using AnimeProgress.Core.Hub;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Persistence.History;

/// <summary>
/// Fills <c>progress_history</c> from the hub without touching the live path: the hub hands over
/// snapshots on the thread pool, the sampler keeps the few that matter, and a timer writes them in
/// one transaction per flush. While the database is away, samples wait in memory (bounded).
/// </summary>
public sealed partial class ProgressHistoryRecorder(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    ProgressHub hub,
    AnimeProgress.Core.Cluster.IngestionGate ingestion,
    IOptions<ProgressHistoryOptions> options,
    TimeProvider time,
    ILogger<ProgressHistoryRecorder> logger) : BackgroundService
{
    private readonly ProgressHistorySampler _sampler = new(options.Value.SampleInterval);
    private readonly List<ProgressHistoryRow> _pending = [];
    private readonly Lock _gate = new();
    // Never disposed: a flush during shutdown may still wait on it.
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private HubSubscription? _subscription;

    /// <summary>Null while writes succeed; the last error while the database is unreachable.</summary>
    public string? LastError { get; private set; }

    /// <summary>Samples recorded but not yet written.</summary>
    public int PendingSamples
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>A job's samples that are not written yet, so readers see them without waiting for a flush.</summary>
    public IReadOnlyList<ProgressHistoryRow> PendingFor(long jobId)
    {
        lock (_gate)
        {
            return [.. _pending.Where(r => r.JobId == jobId)];
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The table exists by now: DatabaseInitializer (run by JobStore, which starts first) creates or migrates it.
        // No interval: stage changes must not be coalesced away. Offering is cheap; writes are batched below.
        _subscription = hub.Subscribe(OnBatch, TimeSpan.Zero);
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
        using var timer = new PeriodicTimer(options.Value.FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private ValueTask OnBatch(HubBatch batch)
    {
        if (!ingestion.IsLeader)
        {
            // The ingesting node records history; the others would only write it a second time.
            return ValueTask.CompletedTask;
        }

        lock (_gate)
        {
            foreach (var job in batch.Jobs)
            {
                if (_sampler.Offer(job) is { } row)
                {
                    _pending.Add(row);
                }
            }

            var excess = _pending.Count - options.Value.MaxPendingSamples;
            if (excess > 0)
            {
                _pending.RemoveRange(0, excess);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Writes every pending sample in one transaction; on failure keeps them for the next tick.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            List<ProgressHistoryRow> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    return;
                }

                batch = [.. _pending];
            }

            try
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                // Fresh rows: the sampler keeps its own copies, and a failed attempt must not leave keys behind.
                db.ProgressHistory.AddRange(batch.Select(r => new ProgressHistoryRow
                {
                    JobId = r.JobId,
                    RecordedAt = r.RecordedAt,
                    Progress = r.Progress,
                    Stage = r.Stage,
                    Rate = r.Rate,
                }));
                await db.SaveChangesAsync(cancellationToken);
                lock (_gate)
                {
                    // Remove exactly what was written; the list may have grown (or been trimmed) meanwhile.
                    var written = new HashSet<ProgressHistoryRow>(batch, ReferenceEqualityComparer.Instance);
                    _pending.RemoveAll(written.Contains);
                }

                if (LastError is not null)
                {
                    LogRecovered(batch.Count);
                    LastError = null;
                }
            }
            catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
            {
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} progress samples failed; holding them until the database recovers")]
    private partial void LogWriteFailed(Exception ex, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database is back; wrote {Count} held progress samples")]
    private partial void LogRecovered(int count);
}
