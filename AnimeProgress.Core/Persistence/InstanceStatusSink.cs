using System.Text.Json;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Persistence.WriteBehind;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.Persistence;

/// <summary>
/// <see cref="InstanceStatusStore"/>'s rules: the newest state per instance, written with every hub batch; a
/// failure is reported once and the state waits for the next batch (the live view on this node is unaffected).
/// </summary>
internal sealed partial class InstanceStatusSink(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    TimeProvider time,
    ILogger logger) : WriteBehindSink<string, InstanceStatus>
{
    /// <summary>Far more than any fleet; only a flood of names would reach it.</summary>
    public override int Capacity => 1_000;

    public override async Task WriteAsync(IReadOnlyList<InstanceStatus> batch, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var names = batch.Select(i => i.Name).ToList();
        var rows = await db.ComfyUiInstances.Where(r => names.Contains(r.Name)).ToDictionaryAsync(r => r.Name, StringComparer.Ordinal, cancellationToken);
        foreach (var status in batch)
        {
            if (!rows.TryGetValue(status.Name, out var row))
            {
                row = new ComfyUiInstanceRow { Name = status.Name };
                db.ComfyUiInstances.Add(row);
            }

            row.Status = JsonSerializer.Serialize(status, InstanceStatusStore.Json);
            row.UpdatedAt = time.GetUtcNow();
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public override IEnumerable<string> Evict(IReadOnlyDictionary<string, InstanceStatus> waiting, int excess) =>
        waiting.Keys.Take(excess);

    public override void Failed(Exception exception, int count) => LogWriteFailed(exception);

    public override void Quarantined(InstanceStatus item, Exception exception) => LogQuarantined(exception, item.Name);

    [LoggerMessage(Level = LogLevel.Error, Message = "Quarantined the shared state of ComfyUI instance {Instance}: the database refuses its values; it is skipped")]
    private partial void LogQuarantined(Exception ex, string instance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not share ComfyUI instance states through the database; retrying with the next change")]
    private partial void LogWriteFailed(Exception ex);
}
