using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>How the context is configured for PostgreSQL: Npgsql, and every table in one schema.</summary>
public static class PostgresModel
{
    public const string MigrationsHistoryTable = "__EFMigrationsHistory";

    /// <summary>
    /// Npgsql with <paramref name="schema"/> as the schema of every table. The schema is carried as the
    /// migrations-history schema, which <see cref="AnimeProgressDbContext.Schema"/> reads back; the model
    /// cache is keyed by it, so two schemas in one process never share a model.
    /// </summary>
    public static DbContextOptionsBuilder UseSchema(DbContextOptionsBuilder options, string? connectionString, string schema)
    {
        schema = string.IsNullOrWhiteSpace(schema) ? "public" : schema.Trim();
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(MigrationsHistoryTable, schema));
        options.ReplaceService<IModelCacheKeyFactory, SchemaModelCacheKeyFactory>();
        return options;
    }

    private sealed class SchemaModelCacheKeyFactory : IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime) =>
            (context.GetType(), (context as AnimeProgressDbContext)?.Schema, designTime);
    }
}
