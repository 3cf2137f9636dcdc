using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>
/// Prepares the PostgreSQL schema at start-up (first slice of issue 4; no migrations yet):
/// <c>EnsureCreated</c> creates the schema and tables only in a database with no tables at all, so when
/// <c>production_jobs</c> is still missing from our schema it is created here from the EF model; then the
/// <c>pg_notify</c> trigger is (re)installed. An existing <c>production_jobs</c> is never dropped.
/// </summary>
public static class PostgresSchema
{
    /// <summary>LISTEN channel of row changes; the payload names the schema, so several schemas can share a database.</summary>
    public const string Channel = "animeprogress_production_jobs";

    // Serialises schema preparation between nodes starting together (CREATE OR REPLACE FUNCTION can race).
    private const long PrepareLockKey = 0x416e696d6550726f; // "AnimePro"

    public static async Task PrepareAsync(AnimeProgressDbContext db, CancellationToken cancellationToken)
    {
        var schema = db.Schema ?? "public";
        var sql = db.GetService<ISqlGenerationHelper>();
        var qSchema = sql.DelimitIdentifier(schema);
        var qTable = sql.DelimitIdentifier("production_jobs", schema);
        var qFunction = sql.DelimitIdentifier("production_jobs_notify", schema);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await RunAsync(db, $"SELECT pg_advisory_xact_lock({PrepareLockKey})", cancellationToken);
        await RunAsync(db, $"CREATE SCHEMA IF NOT EXISTS {qSchema}", cancellationToken);
        var exists = await db.Database
            .SqlQueryRaw<bool>("SELECT to_regclass({0}) IS NOT NULL AS \"Value\"", $"{qSchema}.production_jobs")
            .SingleAsync(cancellationToken);
        if (!exists)
        {
            await CreateJobTableAsync(db, cancellationToken);
        }

        // Small payload (well under NOTIFY's 8,000 bytes): listeners read the rest of the row.
        await RunAsync(db, $"""
            CREATE OR REPLACE FUNCTION {qFunction}() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
              PERFORM pg_notify('{Channel}', json_build_object(
                'schema', TG_TABLE_SCHEMA,
                'id', NEW.id,
                'status', left(NEW.status, 32),
                'progress', NEW.progress,
                'updated_at', NEW.updated_at)::text);
              RETURN NEW;
            END
            $fn$
            """, cancellationToken);
        await RunAsync(db, $"DROP TRIGGER IF EXISTS production_jobs_notify ON {qTable}", cancellationToken);
        await RunAsync(db,
            $"CREATE TRIGGER production_jobs_notify AFTER INSERT OR UPDATE ON {qTable} FOR EACH ROW EXECUTE FUNCTION {qFunction}()",
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>DDL built from identifiers quoted by the provider (never from user input).</summary>
    private static Task<int> RunAsync(AnimeProgressDbContext db, string sql, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(sql, cancellationToken);

    /// <summary>The table and its indexes, with DDL generated from the EF model so it matches the mapping.</summary>
    private static async Task CreateJobTableAsync(AnimeProgressDbContext db, CancellationToken cancellationToken)
    {
        var model = db.GetService<IDesignTimeModel>().Model;
        var operations = db.GetService<IMigrationsModelDiffer>()
            .GetDifferences(null, model.GetRelationalModel())
            .Where(o => o is CreateTableOperation { Name: "production_jobs" } or CreateIndexOperation { Table: "production_jobs" })
            .ToList();
        var commands = db.GetService<IMigrationsSqlGenerator>().Generate(operations, model);
        foreach (var command in commands)
        {
            await RunAsync(db, command.CommandText, cancellationToken);
        }
    }
}
