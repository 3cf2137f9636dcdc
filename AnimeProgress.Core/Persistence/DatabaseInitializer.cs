using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace AnimeProgress.Core.Persistence;

/// <summary>
/// Brings the database's schema up to date; the one entry point for start-up (<c>JobStore</c>) and the
/// <c>migrate</c> command. PostgreSQL: EF Core migrations (Persistence/Migrations) in the configured schema,
/// under an advisory lock so nodes starting together take turns. SQLite: EnsureCreated plus
/// <see cref="JobTableUpgrade"/> (an embedded single-node file; one migration set cannot serve both providers).
/// </summary>
public static class DatabaseInitializer
{
    /// <summary>Session-level advisory lock key held while migrations are checked and applied ("AP-migra").</summary>
    public const long MigrationLockKey = 0x41502D6D69677261;

    /// <summary>What <see cref="InitializeAsync"/> returns for SQLite: it has no migrations.</summary>
    private static readonly IReadOnlyList<string> None = [];

    /// <summary>
    /// Prepares the schema. On PostgreSQL, applies pending migrations when <paramref name="migrate"/> is true;
    /// when false and migrations are pending, throws naming <c>AnimeProgress:Database:MigrateOnStart</c> and the
    /// <c>migrate</c> command. The advisory lock is taken either way, so a node never reads tables while another
    /// is migrating them.
    /// </summary>
    /// <returns>The ids of the migrations applied (empty when none were pending, and always on SQLite).</returns>
    public static async Task<IReadOnlyList<string>> InitializeAsync(AnimeProgressDbContext db, bool migrate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.IsNpgsql())
        {
            return await MigratePostgresAsync(db, migrate, cancellationToken);
        }

        await db.Database.EnsureCreatedAsync(cancellationToken);
        await JobTableUpgrade.EnsureAsync(db, cancellationToken);
        return None;
    }

    private static async Task<IReadOnlyList<string>> MigratePostgresAsync(AnimeProgressDbContext db, bool migrate, CancellationToken cancellationToken)
    {
        if (migrate)
        {
            // Like EF's Migrate: a database that does not exist yet is created (needs CREATEDB; production's exists).
            var creator = db.GetService<IRelationalDatabaseCreator>();
            if (!await creator.ExistsAsync(cancellationToken))
            {
                await creator.CreateAsync(cancellationToken);
            }
        }

        // Widening a big seed table's id rewrites it: allow more than the default 30 s per command.
        var commandTimeout = db.Database.GetCommandTimeout();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        // One connection for the lock and the migrations (EF leaves a connection it did not open open).
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // EF 9+ locks the history table itself (Npgsql: LOCK TABLE inside the migration transaction), but only
            // after creating the schema and history table, which can race between two nodes; this covers all of it.
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
            try
            {
                // Asking for pending migrations before the history table exists makes EF log a failed query (as an
                // error) on every first start; a fresh database simply needs them all.
                var historyTable = db.GetService<ISqlGenerationHelper>().DelimitIdentifier(Postgres.PostgresModel.MigrationsHistoryTable, db.Schema);
                var hasHistory = await db.Database
                    .SqlQueryRaw<bool>("SELECT to_regclass({0}) IS NOT NULL AS \"Value\"", historyTable)
                    .SingleAsync(cancellationToken);
                var pending = hasHistory ? (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList() : [.. db.Database.GetMigrations()];
                if (pending.Count == 0)
                {
                    return None;
                }

                if (!migrate)
                {
                    throw new InvalidOperationException(
                        $"The PostgreSQL schema '{db.Schema}' needs {pending.Count} migration(s) ({string.Join(", ", pending)}) and " +
                        $"{DatabaseOptions.Section}:MigrateOnStart is false. Run the migrate command " +
                        "(dotnet AnimeProgress.Web.dll migrate, or dotnet run --project AnimeProgress.Web -- migrate) " +
                        $"with the same settings, or set {DatabaseOptions.Section}:MigrateOnStart to true.");
                }

                // EF reads the history table before creating it and logs that failed query as an error on every
                // first start; creating it first (the provider's own idempotent script) keeps the log honest.
                await db.Database.ExecuteSqlRawAsync(
                    db.GetService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
                return pending;
            }
            finally
            {
                await UnlockAsync(db);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
            db.Database.SetCommandTimeout(commandTimeout);
        }
    }

    private static async Task UnlockAsync(AnimeProgressDbContext db)
    {
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
        }
        catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
        {
            // The connection is gone, and the session's lock with it; the original error (if any) is the one to report.
        }
    }
}
