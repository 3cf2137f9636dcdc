using System.Threading.Channels;
using AnimeProgress.Core.Boundary;
using AnimeProgress.Core.Persistence.Columns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>
/// Drains the listener's notices and reads the rows they name, everything waiting in one round trip (a burst of
/// notifications costs one query, not one each), plus catch-up reads of active and recently changed rows. Their texts
/// are capped to <c>AnimeProgress:Limits</c> as they come in (<see cref="IncomingRowText"/>).
/// </summary>
internal sealed partial class ChangedRowReader(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    ChannelReader<ListenerNotice> notices,
    ChangedRowPublisher publisher,
    InputLimits limits,
    TimeProvider time,
    ILogger logger)
{
    private const int MaxRowsPerRead = 500;

    private DateTimeOffset _watermark = time.GetUtcNow() - TimeSpan.FromMinutes(1);
    private long _catchUps;

    /// <summary>Catch-up reads done.</summary>
    public long CatchUps => Interlocked.Read(ref _catchUps);

    /// <summary>Runs until the notice channel completes or the token is cancelled; never stops on a failed read.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await notices.WaitToReadAsync(stoppingToken))
            {
                await ReadWaitingAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReadWaitingAsync(CancellationToken stoppingToken)
    {
        var ids = new HashSet<long>();
        var instances = new HashSet<string>(StringComparer.Ordinal);
        var catchUp = false;
        while (ids.Count < MaxRowsPerRead && notices.TryRead(out var notice))
        {
            if (notice is { Deleted: true, Id: { } gone })
            {
                publisher.Remove(gone);
                ids.Remove(gone);
            }
            else if (notice.Id is { } id)
            {
                ids.Add(id);
            }
            else if (notice.Instance is { } name)
            {
                instances.Add(name);
            }
            else
            {
                catchUp = true;
            }
        }

        try
        {
            await using var db = await contexts.CreateDbContextAsync(stoppingToken);
            if (ids.Count > 0)
            {
                Apply(await db.ProductionJobs.AsNoTracking().Where(j => ids.Contains(j.Id)).ToListAsync(stoppingToken));
            }

            if (instances.Count > 0)
            {
                publisher.ApplyInstances(await db.ComfyUiInstances.AsNoTracking().Where(r => instances.Contains(r.Name)).ToListAsync(stoppingToken));
            }

            if (catchUp)
            {
                await CatchUpAsync(db, stoppingToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Read again on the rows' next change, or by the next catch-up, which now looks back past this
            // failure (a row finished meanwhile is otherwise outside its window). Never let the loop die.
            var lookBack = time.GetUtcNow() - TimeSpan.FromMinutes(1);
            _watermark = _watermark < lookBack ? _watermark : lookBack;
            LogReadFailed(ex, ids.Count);
        }
    }

    private async Task CatchUpAsync(AnimeProgressDbContext db, CancellationToken stoppingToken)
    {
        // A little overlap: clocks of the writers and of this node may disagree by a few seconds.
        var since = _watermark - TimeSpan.FromSeconds(10);
        Apply(await db.ProductionJobs.AsNoTracking()
            .Where(j => j.CompletedAt == null || j.UpdatedAt >= since)
            .OrderByDescending(j => j.UpdatedAt)
            .Take(2000)
            .ToListAsync(stoppingToken));
        publisher.ApplyInstances(await db.ComfyUiInstances.AsNoTracking().ToListAsync(stoppingToken));
        publisher.ForgetOldFinished();
        Interlocked.Increment(ref _catchUps);
    }

    private void Apply(List<ProductionJobRow> rows)
    {
        foreach (var row in rows)
        {
            if (row.UpdatedAt > _watermark)
            {
                _watermark = row.UpdatedAt;
            }

            // Another program's text is boundary input: capped before any node shows it.
            publisher.Apply(IncomingRowText.Cap(row, limits));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read {Count} changed production_jobs rows (or a catch-up read); the next catch-up reads them")]
    private partial void LogReadFailed(Exception ex, int count);
}
