using AnimeProgress.Core.Persistence.WriteBehind;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.Persistence.History;

/// <summary>
/// <see cref="ProgressHistoryRecorder"/>'s rules: samples are keyed by arrival order, every flush writes all of
/// them, and when too many wait (a long outage) the oldest give way.
/// </summary>
internal sealed partial class ProgressHistorySink(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    ProgressHistoryOptions options,
    ILogger logger) : WriteBehindSink<long, ProgressHistoryRow>
{
    public override int Capacity => options.MaxPendingSamples;

    public override async Task WriteAsync(IReadOnlyList<ProgressHistoryRow> batch, CancellationToken cancellationToken)
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
    }

    public override IEnumerable<long> Evict(IReadOnlyDictionary<long, ProgressHistoryRow> waiting, int excess) =>
        waiting.Keys.Order().Take(excess);

    public override void Failed(Exception exception, int count) => LogWriteFailed(exception, count);

    public override void Recovered(int count) => LogRecovered(count);

    public override void Quarantined(ProgressHistoryRow item, Exception exception) => LogQuarantined(exception, item.JobId, item.RecordedAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Quarantined a progress sample of job {JobId} at {RecordedAt}: the database refuses its values; it is skipped")]
    private partial void LogQuarantined(Exception ex, long jobId, DateTimeOffset recordedAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} progress samples failed; holding them until the database recovers")]
    private partial void LogWriteFailed(Exception ex, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database is back; wrote {Count} held progress samples")]
    private partial void LogRecovered(int count);
}
