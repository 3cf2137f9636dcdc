using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Persistence.WriteBehind;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Persistence.History;

/// <summary>
/// Fills <c>progress_history</c> from the hub without touching the live path: the hub hands over
/// snapshots on the thread pool, the sampler keeps the few that matter, and a timer writes them in
/// one transaction per flush (a <see cref="WriteBehindBuffer{TKey, TItem}"/>). While the database is away,
/// samples wait in memory (bounded).
/// </summary>
public sealed class ProgressHistoryRecorder : BackgroundService
{
    private readonly ProgressHub _hub;
    private readonly IngestionGate _ingestion;
    private readonly ProgressHistoryOptions _options;
    private readonly ProgressHistorySampler _sampler;
    private readonly WriteBehindBuffer<long, ProgressHistoryRow> _samples;
    private long _arrivals;
    private HubSubscription? _subscription;

    public ProgressHistoryRecorder(
        IDbContextFactory<AnimeProgressDbContext> contexts,
        ProgressHub hub,
        IngestionGate ingestion,
        IOptions<ProgressHistoryOptions> options,
        TimeProvider time,
        ILogger<ProgressHistoryRecorder> logger,
        WriteBehindMetrics? writeBehindMetrics = null)
    {
        _hub = hub;
        _ingestion = ingestion;
        _options = options.Value;
        _sampler = new ProgressHistorySampler(_options.SampleInterval);
        _samples = new WriteBehindBuffer<long, ProgressHistoryRow>(new ProgressHistorySink(contexts, _options, logger), time, writeBehindMetrics);
    }

    /// <summary>Null while writes succeed; the last error while the database is unreachable.</summary>
    public string? LastError => _samples.LastError;

    /// <summary>Samples recorded but not yet written.</summary>
    public int PendingSamples => _samples.Count;

    /// <summary>A job's samples that are not written yet, so readers see them without waiting for a flush.</summary>
    public IReadOnlyList<ProgressHistoryRow> PendingFor(long jobId) =>
        [.. _samples.NotYetWritten(r => r.JobId == jobId).OrderBy(r => r.RecordedAt)];

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The table exists by now: DatabaseInitializer (run by JobStore, which starts first) creates or migrates it.
        // No interval: stage changes must not be coalesced away. Offering is cheap; writes are batched below.
        _subscription = _hub.Subscribe(OnBatch, TimeSpan.Zero, subscriber: "progress-history");
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    /// <summary>Writes every pending sample in one transaction; on failure keeps them for the next tick.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => _samples.FlushAsync(dueOnly: false, cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _samples.RunAsync(_options.FlushInterval, TimeSpan.Zero, dueOnly: false, stoppingToken);

    private ValueTask OnBatch(HubBatch batch, CancellationToken cancellationToken)
    {
        if (!_ingestion.IsLeader)
        {
            // The ingesting node records history; the others would only write it a second time.
            return ValueTask.CompletedTask;
        }

        // The hub never calls this concurrently with itself, so the sampler and the arrival count need no lock.
        _samples.Offer([.. batch.Jobs
            .Select(_sampler.Offer)
            .OfType<ProgressHistoryRow>()
            .Select(row => KeyValuePair.Create(++_arrivals, row))]);

        return ValueTask.CompletedTask;
    }
}
