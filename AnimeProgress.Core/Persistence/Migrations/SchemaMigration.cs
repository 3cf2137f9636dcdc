using Microsoft.EntityFrameworkCore.Migrations;

namespace AnimeProgress.Core.Persistence.Migrations;

/// <summary>
/// A PostgreSQL migration that writes into the schema configured at run time
/// (<c>AnimeProgress:Database:Schema</c>) rather than the one it was generated with:
/// <see cref="Postgres.SchemaMigrationsAssembly"/> sets <see cref="Schema"/> before EF reads its operations.
/// </summary>
public abstract class SchemaMigration : Migration
{
    /// <summary>The target schema; the design-time default until the migrations assembly sets it.</summary>
    public string Schema { get; internal set; } = DatabaseOptions.DefaultSchema;
}
