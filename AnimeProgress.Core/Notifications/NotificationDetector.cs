using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Notifications;

/// <summary>
/// On the leader, looks at the hub's state every <c>DetectInterval</c> (<see cref="ConditionDetector"/>) and stores what
/// began — the open condition, its event and the event's deliveries — in one transaction, and deletes what cleared. The
/// open conditions are read from the database when the lease begins, so a restart or a new leader never raises one
/// again; a second writer's row (the key is the primary key) makes the insert fail, and the open set is read again.
/// </summary>
public sealed partial class NotificationDetector(
    ProgressHub hub,
    IngestionGate gate,
    IDbContextFactory<AnimeProgressDbContext> contexts,
    ConditionDetector detector,
    OutboxEnlister enlister,
    OutboxSignal signal,
    NotificationMetrics metrics,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<NotificationDetector> logger) : BackgroundService
{
    private Dictionary<string, OpenCondition>? _open;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        LeaderLoop.RunAsync(gate, time, LeadAsync, ex => LogFailed(ex), stoppingToken);

    /// <summary>One look (tests call it directly); false when the database could not be reached.</summary>
    public async Task<bool> DetectOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            _open ??= await LoadOpenAsync(cancellationToken);
            var changes = detector.Evaluate(hub.Jobs, hub.Instances, _open, time.GetUtcNow());
            if (changes.Began.Count + changes.Cleared.Count + changes.Events.Count == 0)
            {
                return true;
            }

            await StoreAsync(changes, cancellationToken);
            return true;
        }
        catch (Exception ex) when (DatabaseErrors.IsTransient(ex) || DatabaseErrors.IsCausedByValues(ex))
        {
            // Another node's row, or the database away: start from what it says on the next look.
            LogStoreFailed(ex);
            _open = null;
            return false;
        }
    }

    private async Task LeadAsync(CancellationToken leading)
    {
        _open = null;
        using var timer = new PeriodicTimer(options.Value.DetectInterval, time);
        do
        {
            await DetectOnceAsync(leading);
        }
        while (await timer.WaitForNextTickAsync(leading));
    }

    private async Task StoreAsync(ConditionChanges changes, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var began = changes.Began.Select(c => c.Key).ToList();
        var stored = await db.NotificationConditions.Where(c => began.Contains(c.Key)).Select(c => c.Key).ToListAsync(cancellationToken);
        var fresh = changes.Began.Where(c => !stored.Contains(c.Key)).ToList();
        foreach (var condition in fresh)
        {
            db.NotificationConditions.Add(new NotificationConditionRow { Key = condition.Key, EventId = condition.Event.Id, BeganAt = condition.Event.OccurredAt, Mark = condition.Mark });
        }

        var raised = await enlister.EnlistAsync(db, [.. fresh.Select(c => c.Event), .. changes.Events], cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        if (changes.Cleared.Count > 0)
        {
            await db.NotificationConditions.Where(c => changes.Cleared.Contains(c.Key)).ExecuteDeleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var condition in changes.Began)
        {
            _open![condition.Key] = new OpenCondition(condition.Key, condition.Event.Id, condition.Mark);
        }

        foreach (var key in changes.Cleared)
        {
            _open!.Remove(key);
        }

        metrics.Raised(raised);
        foreach (var e in raised)
        {
            LogRaised(e.Type, e.Id);
        }

        signal.Notify();
    }

    private async Task<Dictionary<string, OpenCondition>> LoadOpenAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.NotificationConditions.AsNoTracking()
            .ToDictionaryAsync(c => c.Key, c => new OpenCondition(c.Key, c.EventId, c.Mark), StringComparer.Ordinal, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification event {EventType} raised ({EventId})")]
    private partial void LogRaised(string eventType, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing detected notification conditions failed; reading the open ones again on the next look")]
    private partial void LogStoreFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification detection failed; starting it again shortly")]
    private partial void LogFailed(Exception ex);
}
