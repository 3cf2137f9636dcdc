using System.Text.Json;
using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Persistence.WriteBehind;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Persistence.Eta;

/// <summary>
/// Keeps what the ETA engine learned across restarts and nodes: every finished run it learns from is written to
/// <c>eta_runs</c> (write-behind, never on the live path), and the newest runs are loaded into it before the tracker
/// starts (on every node) and again when this node takes over ingestion, so a restarted app or a new leader
/// estimates as the old one did. A node that does not ingest reads the rows written since its last read every
/// <see cref="EtaRunOptions.FollowInterval"/>, so every node of a cluster holds the same history.
/// </summary>
/// <remarks>
/// A table of its own rather than a history rebuilt from <c>production_jobs</c> and <c>progress_history</c> at start:
/// the engine compares a job with the progress curve of each earlier run inside each stage and scores its estimates
/// by what each of them said during those runs. The downsampled progress samples keep neither (one point per few
/// seconds; no estimates), so a rebuilt history would estimate differently after every restart. Storing the run as
/// the engine keeps it makes the restarted estimate the same one, and costs one small row per finished job.
/// </remarks>
public sealed partial class EtaRunStore : BackgroundService
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(2);

    private readonly IDbContextFactory<AnimeProgressDbContext> _contexts;
    private readonly StageAwareEtaModel _model;
    private readonly IngestionGate _ingestion;
    private readonly EtaRunOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<EtaRunStore> _logger;
    private readonly WriteBehindBuffer<long, EtaRunWrite> _runs;

    // One load at a time: a follow-up read racing a takeover's reload would add its rows to the reloaded history twice.
    private readonly SemaphoreSlim _loading = new(1, 1);
    private long _arrivals;

    // The newest row the history holds (follow-up reads start after it); and whether it must be read afresh instead:
    // a load failed, or this node wrote runs while it led (they are in its memory and also in the table).
    private long _loadedThrough;
    private volatile bool _reloadNeeded = true;

    public EtaRunStore(
        IDbContextFactory<AnimeProgressDbContext> contexts,
        StageAwareEtaModel model,
        IngestionGate ingestion,
        IOptions<EtaRunOptions> options,
        TimeProvider time,
        ILogger<EtaRunStore> logger,
        WriteBehindMetrics? writeBehindMetrics = null)
    {
        _contexts = contexts;
        _model = model;
        _ingestion = ingestion;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _runs = new WriteBehindBuffer<long, EtaRunWrite>(new EtaRunSink(contexts, _options, model.History.RunsPerKey, logger), time, writeBehindMetrics);
    }

    /// <summary>Null while writes succeed; the last error while the database is unreachable.</summary>
    public string? LastError => _runs.LastError;

    /// <summary>Finished runs not written yet.</summary>
    public int PendingRuns => _runs.Count;

    /// <summary>Loads the stored runs before the tracker starts; the table exists since JobStore started.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // A follower, too: it estimates nothing until it takes over, but then it already holds what every node learned.
        await ReloadAsync(cancellationToken);
        _model.Remembered += OnRemembered;
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _model.Remembered -= OnRemembered;
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    /// <summary>Writes every finished run that waits, in one transaction; on failure keeps them for the next tick.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => _runs.FlushAsync(dueOnly: false, cancellationToken);

    /// <summary>
    /// Replaces the engine's history with the newest stored runs. A row that cannot be read is logged and skipped; a
    /// database that cannot be read leaves the history as it is (the ETA then learns afresh): neither stops the app.
    /// </summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            await ReloadUnderLockAsync(cancellationToken);
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>
    /// On a node that does not ingest (on the leader it does nothing): adds the runs written since the last read (another node's), in the order they
    /// were written, as the writer's history added them; reads everything afresh when that is not exact (see
    /// <c>_reloadNeeded</c>, or more new rows than a load holds). A database that cannot be read is tried again next time.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            // Checked again under the lock: a read that waited for a takeover's reload must not replace what the new
            // leader has learned since (its newest runs may not be written yet).
            if (_ingestion.IsLeader)
            {
                return;
            }

            if (_reloadNeeded)
            {
                await ReloadUnderLockAsync(cancellationToken);
                return;
            }

            List<EtaRunRow> rows;
            try
            {
                await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
                rows = await EtaRunQueries.AfterAsync(db, _loadedThrough, _options.MaxStoredRuns + 1, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogFollowFailed(ex);
                return;
            }

            if (rows.Count > _options.MaxStoredRuns)
            {
                await ReloadUnderLockAsync(cancellationToken);
                return;
            }

            if (rows.Count == 0)
            {
                return;
            }

            _model.History.Import(new RunHistorySnapshot(RunHistorySnapshot.CurrentFormat, ReadAll(rows, out var skipped)));
            _loadedThrough = rows[^1].Id;
            LogFollowed(rows.Count - skipped, skipped);
        }
        finally
        {
            _loading.Release();
        }
    }

    public override void Dispose()
    {
        _loading.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_runs.RunAsync(FlushInterval, RetryPause, dueOnly: false, stoppingToken), FollowAsync(stoppingToken));

    private async Task ReloadUnderLockAsync(CancellationToken cancellationToken)
    {
        List<EtaRunRow> rows;
        try
        {
            await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
            // Bounded by the table's cap; the history keeps of each workflow only the newest it remembers.
            rows = await EtaRunQueries.NewestAsync(db, _options.MaxStoredRuns, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _reloadNeeded = true;
            LogLoadFailed(ex);
            return;
        }

        _reloadNeeded = false;
        var runs = ReadAll(rows, out var skipped);
        _model.History.Replace(new RunHistorySnapshot(RunHistorySnapshot.CurrentFormat, runs));
        _loadedThrough = rows.Count > 0 ? rows[^1].Id : 0;
        LogLoaded(runs.Count, skipped);
    }

    private async Task FollowAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.FollowInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!_ingestion.IsLeader)
                {
                    await CatchUpAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private List<RunSnapshot> ReadAll(List<EtaRunRow> rows, out int skipped)
    {
        var runs = new List<RunSnapshot>(rows.Count);
        skipped = 0;
        foreach (var row in rows)
        {
            if (Read(row) is { } run)
            {
                runs.Add(run);
            }
            else
            {
                skipped++;
            }
        }

        return runs;
    }

    private RunSnapshot? Read(EtaRunRow row)
    {
        if (row.Format != RunHistorySnapshot.CurrentFormat)
        {
            LogOtherFormat(row.Id, row.Format, RunHistorySnapshot.CurrentFormat);
            return null;
        }

        try
        {
            var run = EtaRunJson.Read(row.Run);
            // What the engine will do with it: a run it cannot take is refused here, row by row.
            _ = RunSnapshotMapping.FromSnapshot(run);
            return run;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            LogBadRow(ex, row.Id);
            return null;
        }
    }

    /// <summary>On the tracker's thread: hand the run over and return (only the ingesting node learns runs, and writes them).</summary>
    private void OnRemembered(RunSnapshot run)
    {
        if (!_ingestion.IsLeader)
        {
            return;
        }

        // Should this node step down, its history holds runs the table has too: its first follow-up read starts afresh.
        _reloadNeeded = true;
        var write = new EtaRunWrite(Interlocked.Increment(ref _arrivals), run, run.FinishedAt ?? _time.GetUtcNow());
        _runs.Offer([KeyValuePair.Create(write.Arrival, write)]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ETA history: loaded {Count} finished runs from the database ({Skipped} unreadable rows skipped)")]
    private partial void LogLoaded(int count, int skipped);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ETA history: added {Count} finished runs another node wrote ({Skipped} unreadable rows skipped)")]
    private partial void LogFollowed(int count, int skipped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ETA history: reading the runs other nodes wrote failed; trying again at the next interval")]
    private partial void LogFollowFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ETA history: eta_runs row {Id} cannot be read and is skipped")]
    private partial void LogBadRow(Exception ex, long id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ETA history: eta_runs row {Id} has format {Format}, this version reads {Current}; it is skipped")]
    private partial void LogOtherFormat(long id, int format, int current);

    [LoggerMessage(Level = LogLevel.Error, Message = "ETA history: reading eta_runs failed; estimates learn afresh from the next finished runs")]
    private partial void LogLoadFailed(Exception ex);
}
