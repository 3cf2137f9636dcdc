using AnimeProgress.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Keys;

/// <summary>Writes <see cref="ApiKeyUsage"/> to the database once a minute (and on stop), one small UPDATE per key used.</summary>
internal sealed partial class ApiKeyUsageWriter(
    ApiKeyUsage usage, IDbContextFactory<AnimeProgressDbContext> contexts, TimeProvider time, ILogger<ApiKeyUsageWriter> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await WriteAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await WriteAsync(cancellationToken);
    }

    internal async Task WriteAsync(CancellationToken cancellationToken)
    {
        var used = usage.Drain();
        if (used.Count == 0)
        {
            return;
        }

        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            foreach (var (id, at) in used)
            {
                // Rounded down to the minute: the column says "used around then", which is all a list needs.
                var minute = new DateTimeOffset(at.Ticks - (at.Ticks % TimeSpan.TicksPerMinute), at.Offset);
                await db.ApiKeys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, minute), cancellationToken);
            }
        }
        catch (Exception ex) when (DatabaseErrors.IsTransient(ex) || ex is OperationCanceledException)
        {
            // Only a list's "last used" is lost; the keys work on.
            LogNotWritten(ex, used.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record when {Count} API keys were last used")]
    private partial void LogNotWritten(Exception ex, int count);
}
