using System.Reflection;
using AnimeProgress.Core.Persistence.Migrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Internal;

// EF1001: MigrationsAssembly is EF Core's own IMigrationsAssembly, marked internal-API. Subclassing it is the
// smallest way to hand each migration the schema of this context (the migrations are compiled once but run
// against any AnimeProgress:Database:Schema); it overrides a single virtual method. Re-check on EF Core upgrades.
#pragma warning disable EF1001

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>Creates migrations as EF does, then gives each <see cref="SchemaMigration"/> the context's schema.</summary>
internal sealed class SchemaMigrationsAssembly(
    ICurrentDbContext currentContext,
    IDbContextOptions options,
    IMigrationsIdGenerator idGenerator,
    IDiagnosticsLogger<DbLoggerCategory.Migrations> logger)
    : MigrationsAssembly(currentContext, options, idGenerator, logger)
{
    // PostgresModel.UseSchema carries the schema as the migrations-history schema (see AnimeProgressDbContext.Schema).
    private readonly string _schema = RelationalOptionsExtension.Extract(options).MigrationsHistoryTableSchema ?? "public";

    public override Migration CreateMigration(TypeInfo migrationClass, string activeProvider)
    {
        var migration = base.CreateMigration(migrationClass, activeProvider);
        if (migration is SchemaMigration schemaMigration)
        {
            schemaMigration.Schema = _schema;
        }

        return migration;
    }
}
