using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence.WriteBehind;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.Persistence.Eta;

/// <summary>
/// <see cref="EtaRunStore"/>'s rules: runs are keyed by arrival, every flush writes all of them in one transaction (one
/// row at a time, so ids follow the order the runs finished) and drops what a workflow on a machine has beyond the
/// engine's runs per workflow and what the table has beyond its cap; when too many wait (a long outage), the oldest
/// give way.
/// </summary>
internal sealed partial class EtaRunSink(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    EtaRunOptions options,
    int runsPerWorkflow,
    ILogger logger) : WriteBehindSink<long, EtaRunWrite>
{
    public override int Capacity => options.MaxPendingRuns;

    public override async Task WriteAsync(IReadOnlyList<EtaRunWrite> batch, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var groups = new HashSet<(string Kind, string? WorkflowKey, string? Instance)>();
        foreach (var write in batch.OrderBy(w => w.Arrival))
        {
            var row = ToRow(write);
            db.EtaRuns.Add(row);
            await db.SaveChangesAsync(cancellationToken);
            // As saved: the instance may have been fitted to its column.
            groups.Add((row.Kind, row.WorkflowKey, row.Instance));
        }

        foreach (var (kind, workflowKey, instance) in groups)
        {
            await EtaRunQueries.PruneWorkflowAsync(db, kind, workflowKey, instance, runsPerWorkflow, cancellationToken);
        }

        await EtaRunQueries.PruneAllAsync(db, options.MaxStoredRuns, cancellationToken);

        await transaction.CommitAsync(cancellationToken);
    }

    public override IEnumerable<long> Evict(IReadOnlyDictionary<long, EtaRunWrite> waiting, int excess) =>
        waiting.Keys.Order().Take(excess);

    public override void Failed(Exception exception, int count) => LogWriteFailed(exception, count);

    public override void Recovered(int count) => LogRecovered(count);

    public override void Quarantined(EtaRunWrite item, Exception exception) =>
        LogQuarantined(exception, item.Run.WorkflowKey, item.Run.Instance, item.FinishedAt);

    private static EtaRunRow ToRow(EtaRunWrite write) => new()
    {
        Kind = write.Run.Kind == JobKind.Video ? "video" : "image",
        WorkflowKey = write.Run.WorkflowKey,
        Instance = write.Run.Instance,
        FinishedAt = write.FinishedAt,
        RunSeconds = write.Run.TotalSeconds,
        Format = RunHistorySnapshot.CurrentFormat,
        Run = EtaRunJson.Write(write.Run),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Quarantined the finished run of workflow {WorkflowKey} on {Instance} at {FinishedAt}: the database refuses its values; it is skipped")]
    private partial void LogQuarantined(Exception ex, string? workflowKey, string? instance, DateTimeOffset finishedAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} finished runs for the ETA history failed; holding them until the database recovers")]
    private partial void LogWriteFailed(Exception ex, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database is back; wrote {Count} held finished runs for the ETA history")]
    private partial void LogRecovered(int count);
}
