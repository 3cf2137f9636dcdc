using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Notifications;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Notifications;
using AnimeProgress.Web.Notifications.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Notifications;

/// <summary>
/// The one sender (on the leader): reads the deliveries that are due, sends each (a digest's rows as one message) with
/// its idempotency key, and records the try — delivered; failed and due again after the backoff; or dead after a final
/// refusal or once <c>DeadLetterAfter</c> has passed since the event. Everything it knows is in the table, so after a
/// restart it goes on where it was: what was due is tried at once. Woken by the outbox signal, else it looks every
/// <c>SendInterval</c>. Also applies the retention period hourly.
/// </summary>
public sealed partial class NotificationSender(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    IngestionGate gate,
    NotificationCatalog catalog,
    PersonalEmail personalEmail,
    IEnumerable<IChannelSender> senders,
    ChannelSecrets secrets,
    OutboxSignal signal,
    NotificationMetrics metrics,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<NotificationSender> logger) : BackgroundService
{
    private const int BatchSize = 200;
    private static readonly TimeSpan SweepEvery = TimeSpan.FromHours(1);
    private readonly NotificationOptions _options = options.Value;
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        LeaderLoop.RunAsync(gate, time, LeadAsync, ex => LogFailed(ex), stoppingToken);

    /// <summary>Sends what is due now; returns how many messages were tried (tests call it directly).</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<NotificationDeliveryRow> due;
        IReadOnlyList<ChannelOptions> channels;
        IReadOnlyDictionary<string, string> unavailable;
        Dictionary<string, NotificationEvent> events;
        List<List<NotificationDeliveryRow>> groups;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            due = await db.NotificationDeliveries.AsNoTracking()
                .Where(d => d.State == DeliveryStates.Pending && d.NextAttemptAt <= now)
                .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Take(BatchSize)
                .ToListAsync(cancellationToken);
            if (due.Count == 0)
            {
                return 0;
            }

            // A digest goes as one message with every row that joined it.
            var digests = due.Where(d => d.DigestId is not null).Select(d => d.DigestId!).Distinct().ToList();
            var members = digests.Count == 0 ? [] : await db.NotificationDeliveries.AsNoTracking()
                .Where(d => d.State == DeliveryStates.Pending && d.DigestId != null && digests.Contains(d.DigestId))
                .OrderBy(d => d.Id).ToListAsync(cancellationToken);
            groups = [.. due.Where(d => d.DigestId is null).Select(d => new List<NotificationDeliveryRow> { d })];
            groups.AddRange(members.GroupBy(d => d.DigestId!).Select(g => g.ToList()));
            var ids = groups.SelectMany(g => g).Select(d => d.EventId).Distinct().ToList();
            events = (await db.NotificationEvents.AsNoTracking().Where(e => ids.Contains(e.Id)).ToListAsync(cancellationToken))
                .ToDictionary(e => e.Id, e => NotificationEvent.FromJson(e.Payload), StringComparer.Ordinal);
            (channels, unavailable) = await personalEmail.CompleteAsync(await catalog.ChannelsAsync(db, cancellationToken), db, cancellationToken);
        }

        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentSends, CancellationToken = cancellationToken }, async (group, ct) =>
        {
            var channel = channels.FirstOrDefault(c => c.Name == group[0].Channel);
            var message = new OutgoingMessage(
                group[0].DigestId ?? MessageIds.ForDelivery(group[0].EventId, group[0].Channel),
                [.. group.Select(d => events.GetValueOrDefault(d.EventId)).OfType<NotificationEvent>()],
                group[0].Rule,
                time.GetUtcNow());
            var result = unavailable.TryGetValue(group[0].Channel, out var why) ? SendResult.Permanent(null, why)
                : channel is null ? SendResult.Permanent(null, $"channel '{group[0].Channel}' no longer exists")
                : message.Events.Count == 0 ? SendResult.Permanent(null, "the event is gone")
                : await TrySendAsync(secrets.Revealed(channel), message, ct);
            await RecordAsync(group, channel?.ParsedType ?? (why is null ? ChannelType.Webhook : ChannelType.Email), result, ct);
        });
        return groups.Count;
    }

    /// <summary>Delivered and dead deliveries past the retention period go, with their attempts, and events nothing refers to any more.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow() - _options.Retention;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var removed = await db.NotificationDeliveries.Where(d => d.State != DeliveryStates.Pending && d.FinishedAt < before).ExecuteDeleteAsync(cancellationToken);
        await db.NotificationAttempts.Where(a => !db.NotificationDeliveries.Any(d => d.Id == a.DeliveryId)).ExecuteDeleteAsync(cancellationToken);
        await db.NotificationEvents
            .Where(e => e.OccurredAt < before && !db.NotificationDeliveries.Any(d => d.EventId == e.Id) && !db.NotificationConditions.Any(c => c.EventId == e.Id))
            .ExecuteDeleteAsync(cancellationToken);
        if (removed > 0)
        {
            LogSwept(removed, _options.Retention);
        }
    }

    private async Task LeadAsync(CancellationToken leading)
    {
        while (!leading.IsCancellationRequested)
        {
            var tried = 0;
            try
            {
                tried = await SendDueAsync(leading);
                if (time.GetUtcNow() >= _nextSweep)
                {
                    await SweepAsync(leading);
                    _nextSweep = time.GetUtcNow() + SweepEvery;
                }
            }
            catch (Exception ex) when (DatabaseErrors.IsTransient(ex) && !leading.IsCancellationRequested)
            {
                LogDatabaseFailed(ex);
            }

            if (tried == 0)
            {
                await signal.WaitAsync(_options.SendInterval, time, leading);
            }
        }
    }

    private async Task<SendResult> TrySendAsync(ChannelOptions channel, OutgoingMessage message, CancellationToken cancellationToken)
    {
        var sender = senders.FirstOrDefault(s => s.Handles(channel.ParsedType));
        if (sender is null)
        {
            return SendResult.Permanent(null, $"no sender for {channel.Type}");
        }

        try
        {
            return await sender.SendAsync(channel, message, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A sender's own bug must not stop the others: the try counts as failed and is retried.
            return SendResult.Retry(null, ex.GetType().Name + ": " + ex.Message);
        }
    }

    private async Task RecordAsync(List<NotificationDeliveryRow> group, ChannelType type, SendResult result, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var attempts = group.Max(d => d.Attempts) + 1;
        var oldest = group.Min(d => d.CreatedAt);
        var outcome = result.Outcome switch
        {
            SendOutcome.Delivered => DeliveryStates.Delivered,
            SendOutcome.Retry when now - oldest < _options.DeadLetterAfter => DeliveryStates.Pending,
            _ => DeliveryStates.Dead,
        };
        var next = now + DeliveryBackoff.After(attempts, _options, Random.Shared.NextDouble());
        var line = Fit($"{(result.StatusCode is { } code ? code + " " : "")}{result.Answer}".Trim(), NotificationDeliveryRow.ResultMaxLength);
        var ids = group.Select(d => d.Id).ToList();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        // Not cancellable: a send that happened is recorded even when the lease ends meanwhile.
        await db.NotificationDeliveries.Where(d => ids.Contains(d.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.State, outcome)
            .SetProperty(d => d.Attempts, attempts)
            .SetProperty(d => d.NextAttemptAt, outcome == DeliveryStates.Pending ? next : now)
            .SetProperty(d => d.FinishedAt, outcome == DeliveryStates.Pending ? null : now)
            .SetProperty(d => d.LastResult, line), CancellationToken.None);
        var attemptOutcome = outcome == DeliveryStates.Pending ? "retried" : outcome;
        db.NotificationAttempts.AddRange(ids.Select(id => new NotificationAttemptRow
        {
            DeliveryId = id,
            At = now,
            Outcome = attemptOutcome,
            StatusCode = result.StatusCode,
            Answer = Fit(result.Answer, NotificationAttemptRow.AnswerMaxLength),
        }));
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        metrics.Delivery(type, attemptOutcome);
        LogAttempt(group[0].Channel, group.Count, attemptOutcome, result.StatusCode, line);
    }

    private static string? Fit(string? text, int max) => text is null || text.Length <= max ? text : text[..(max - 1)] + "…";

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification to {Channel} ({Events} events): {Outcome} {StatusCode} {Result}")]
    private partial void LogAttempt(string channel, int events, string outcome, int? statusCode, string? result);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} notification deliveries older than {Retention}")]
    private partial void LogSwept(int count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification outbox unreachable; trying again shortly")]
    private partial void LogDatabaseFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification sender failed; starting it again shortly")]
    private partial void LogFailed(Exception ex);
}
