using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Audit;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Audit;

/// <summary>
/// Empties <see cref="AuditLog"/> into <c>audit_log</c> in batches. A database failure keeps the batch and retries with
/// backoff (the buffer fills meanwhile, and requests wait for room: nothing is dropped). On stop it writes what is
/// left once more; an entry that still cannot be stored goes to the structured log at Critical level.
/// </summary>
internal sealed partial class AuditWriter(AuditLog log, IDbContextFactory<AnimeProgressDbContext> contexts, TimeProvider time, ILogger<AuditWriter> logger)
    : BackgroundService
{
    private const int MaxBatch = 200;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditEntryRow>();
        try
        {
            while (await log.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && log.Reader.TryRead(out var row))
                {
                    batch.Add(row);
                }

                await WriteWithRetryAsync(batch, stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Stopping: whatever is held or still buffered, in one last attempt.
        while (log.Reader.TryRead(out var row))
        {
            batch.Add(row);
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await WriteAsync(batch, CancellationToken.None);
        }
        catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
        {
            foreach (var row in batch)
            {
                LogLost(ex, row.Action, row.Outcome, row.ActorKind, row.ActorName, row.KeyPrefix, row.ClientAddress, row.Target, row.Detail, row.At);
            }
        }
    }

    private async Task WriteWithRetryAsync(List<AuditEntryRow> batch, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await WriteAsync(batch, cancellationToken);
                return;
            }
            catch (Exception ex) when (DatabaseErrors.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                LogRetrying(ex, batch.Count, backoff);
                await Task.Delay(backoff, time, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    private async Task WriteAsync(List<AuditEntryRow> batch, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Fresh copies: a failed attempt leaves the rows tracked with ids in the discarded context.
        db.AuditLog.AddRange(batch.Select(Copy));
        await db.SaveChangesAsync(cancellationToken);
    }

    private static AuditEntryRow Copy(AuditEntryRow r) => new()
    {
        At = r.At,
        ActorKind = r.ActorKind,
        ActorId = r.ActorId,
        ActorName = r.ActorName,
        KeyId = r.KeyId,
        KeyPrefix = r.KeyPrefix,
        ClientAddress = r.ClientAddress,
        Action = r.Action,
        Target = r.Target,
        Outcome = r.Outcome,
        Detail = r.Detail,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store {Count} audit entries; retrying in {Backoff}")]
    private partial void LogRetrying(Exception ex, int count, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Audit entry not stored at stop: {Action} {Outcome} by {ActorKind} {ActorName} {KeyPrefix} from {ClientAddress} on {Target}: {Detail} at {At}")]
    private partial void LogLost(Exception ex, string action, string outcome, string actorKind, string? actorName, string? keyPrefix, string? clientAddress, string? target, string? detail, DateTimeOffset at);
}
