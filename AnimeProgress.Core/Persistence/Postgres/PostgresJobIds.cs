using AnimeProgress.Core.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>
/// Job ids from the sequence behind <c>production_jobs.id</c>, the one other programs' inserts use too, so ids
/// never collide across programs or nodes. Ids are reserved in blocks ahead of need (the tracker asks on its
/// loop and must not wait on the database); only an empty block waits for one round trip.
/// </summary>
public sealed partial class PostgresJobIds(IDbContextFactory<AnimeProgressDbContext> contexts, ILogger<PostgresJobIds> logger) : IJobIdSource
{
    private const int BlockSize = 200;

    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(10);

    private readonly Queue<long> _reserved = new();
    private readonly Lock _gate = new();
    private readonly SequentialJobIds _fallback = new();
    private Task? _refill;
    private long _retryAt;
    private long _fallbackHighest;

    public long Next()
    {
        Task? refill;
        lock (_gate)
        {
            // One reservation at a time (two would interleave their blocks); none while a failure is recent, so the
            // tracker's loop does not stall on every new job during an outage.
            if (_reserved.Count < BlockSize / 2 && _refill is null or { IsCompleted: true }
                && Environment.TickCount64 >= Interlocked.Read(ref _retryAt))
            {
                _refill = Task.Run(RefillQuietlyAsync);
            }

            if (_reserved.TryDequeue(out var id))
            {
                _fallback.Seen(id);
                return id;
            }

            refill = _refill;
        }

        // The reserve is spent: wait for the reservation under way (one round trip; it never throws).
        if (refill is { IsCompleted: false })
        {
            refill.GetAwaiter().GetResult();
            lock (_gate)
            {
                if (_reserved.TryDequeue(out var id))
                {
                    _fallback.Seen(id);
                    return id;
                }
            }
        }

        // Count on from the highest id seen; the next reservation moves the sequence past these (see RefillAsync).
        var fallback = _fallback.Next();
        InterlockedMax(ref _fallbackHighest, fallback);
        return fallback;
    }

    public void Seen(long id) => _fallback.Seen(id);

    private async Task RefillQuietlyAsync()
    {
        try
        {
            await RefillAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or InvalidCastException or TimeoutException)
        {
            Interlocked.Exchange(ref _retryAt, Environment.TickCount64 + (long)RetryAfterFailure.TotalMilliseconds);
            LogNoSequence(ex);
        }
    }

    private async Task RefillAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var table = db.GetService<ISqlGenerationHelper>().DelimitIdentifier("production_jobs", db.Schema ?? "public");
        var handedOut = Interlocked.Read(ref _fallbackHighest);
        if (handedOut > 0)
        {
            // Ids counted on during an outage: the sequence must not hand them out again.
            await db.Database.ExecuteSqlRawAsync(
                "SELECT setval(pg_get_serial_sequence({0}, 'id'), GREATEST(nextval(pg_get_serial_sequence({0}, 'id')), {1}))",
                [table, handedOut],
                cancellationToken);
        }

        var ids = await db.Database
            .SqlQueryRaw<long>("SELECT nextval(pg_get_serial_sequence({0}, 'id')) AS \"Value\" FROM generate_series(1, {1})", table, BlockSize)
            .ToListAsync(cancellationToken);
        lock (_gate)
        {
            foreach (var id in ids.Where(id => id > handedOut))
            {
                _reserved.Enqueue(id);
            }
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref target);
            if (current >= value)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref target, value, current) != current);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reserve job ids from the production_jobs sequence; counting on from the highest id seen")]
    private partial void LogNoSequence(Exception ex);
}
