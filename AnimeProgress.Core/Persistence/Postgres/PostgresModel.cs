using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>How the context is configured for PostgreSQL: Npgsql, and every table in one schema.</summary>
public static class PostgresModel
{
    public const string MigrationsHistoryTable = "__EFMigrationsHistory";

    /// <summary>
    /// Npgsql with <paramref name="schema"/> as the schema of every table. The schema is carried as the
    /// migrations-history schema, which <see cref="AnimeProgressDbContext.Schema"/> reads back; the model
    /// cache is keyed by it, so two schemas in one process never share a model. Migrations run in that schema.
    /// </summary>
    public static DbContextOptionsBuilder UseSchema(DbContextOptionsBuilder options, string? connectionString, string schema)
    {
        schema = string.IsNullOrWhiteSpace(schema) ? "public" : schema.Trim();
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(MigrationsHistoryTable, schema));
        options.ReplaceService<IModelCacheKeyFactory, SchemaModelCacheKeyFactory>();
        // Migrations (Persistence/Migrations) are generated for the default schema and run in this one.
        options.ReplaceService<IMigrationsAssembly, SchemaMigrationsAssembly>();
        // The snapshot names the design-time schema, so any other schema looks like "pending model changes"
        // and EF 9+ would refuse to migrate. The real check is a test: no pending changes for the default schema.
        options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
        return options;
    }

    private sealed class SchemaModelCacheKeyFactory : IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime) =>
            (context.GetType(), (context as AnimeProgressDbContext)?.Schema, designTime);
    }
}
