using AnimeProgress.Core.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>
/// Job ids from the sequence behind <c>production_jobs.id</c>, the one other programs' inserts use too, so ids
/// never collide across programs or nodes. Ids are reserved in blocks ahead of need (a reservation starts when half
/// a block is left); only a spent reserve waits for one round trip, which <see cref="NextAsync"/> awaits.
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

    /// <summary>
    /// Never waits and never guesses: a reserved id, or an error when none is at hand (counting on here could collide
    /// with another node's ids while a reservation is merely under way). The app awaits <see cref="NextAsync"/>.
    /// </summary>
    public long Next()
    {
        lock (_gate)
        {
            if (TryTakeReserved(out var id))
            {
                return id;
            }
        }

        throw new InvalidOperationException("No job id is reserved yet: PostgreSQL ids are handed out by NextAsync, which awaits the reservation.");
    }

    /// <summary>A reserved id, awaiting (not blocking) the reservation under way when the reserve is spent.</summary>
    public async ValueTask<long> NextAsync(CancellationToken cancellationToken)
    {
        Task? refill;
        lock (_gate)
        {
            if (TryTakeReserved(out var id))
            {
                return id;
            }

            refill = _refill;
        }

        if (refill is { IsCompleted: false })
        {
            // One round trip; the reservation never throws.
            await refill.WaitAsync(cancellationToken);
            lock (_gate)
            {
                if (TryTakeReserved(out var id))
                {
                    return id;
                }
            }
        }

        return CountOn();
    }

    /// <summary>Counts on from the highest id seen; the next reservation moves the sequence past these (see RefillAsync).</summary>
    private long CountOn()
    {
        var fallback = _fallback.Next();
        InterlockedMax(ref _fallbackHighest, fallback);
        return fallback;
    }

    /// <summary>Under the lock: starts a reservation when the reserve runs low, then takes an id from it.</summary>
    private bool TryTakeReserved(out long id)
    {
        // One reservation at a time (two would interleave their blocks); none while a failure is recent, so the
        // tracker's loop does not stall on every new job during an outage.
        if (_reserved.Count < BlockSize / 2 && _refill is null or { IsCompleted: true }
            && Environment.TickCount64 >= Interlocked.Read(ref _retryAt))
        {
            _refill = Task.Run(RefillQuietlyAsync);
        }

        if (_reserved.TryDequeue(out id))
        {
            _fallback.Seen(id);
            return true;
        }

        return false;
    }

    public void Seen(long id) => _fallback.Seen(id);

    private async Task RefillQuietlyAsync()
    {
        try
        {
            await RefillAsync(CancellationToken.None);
        }
        catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
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
