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

    private readonly Queue<long> _reserved = new();
    private readonly Lock _gate = new();
    private readonly SequentialJobIds _fallback = new();
    private Task? _refill;

    public long Next()
    {
        lock (_gate)
        {
            if (_reserved.Count < BlockSize / 2 && _refill is null or { IsCompleted: true })
            {
                _refill = Task.Run(() => RefillAsync(CancellationToken.None));
            }

            if (_reserved.TryDequeue(out var id))
            {
                _fallback.Seen(id);
                return id;
            }
        }

        try
        {
            RefillAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or InvalidCastException or TimeoutException)
        {
            LogNoSequence(ex);
        }

        lock (_gate)
        {
            if (_reserved.TryDequeue(out var id))
            {
                _fallback.Seen(id);
                return id;
            }
        }

        // The database is away and the reserve is spent: count on from the highest id seen (logged above).
        return _fallback.Next();
    }

    public void Seen(long id) => _fallback.Seen(id);

    private async Task RefillAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var table = db.GetService<ISqlGenerationHelper>().DelimitIdentifier("production_jobs", db.Schema ?? "public");
        var ids = await db.Database
            .SqlQueryRaw<long>("SELECT nextval(pg_get_serial_sequence({0}, 'id')) AS \"Value\" FROM generate_series(1, {1})", table, BlockSize)
            .ToListAsync(cancellationToken);
        lock (_gate)
        {
            foreach (var id in ids)
            {
                _reserved.Enqueue(id);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reserve job ids from the production_jobs sequence; counting on from the highest id seen")]
    private partial void LogNoSequence(Exception ex);
}
