using AnimeProgress.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;

namespace AnimeProgress.Core.Persistence;

/// <summary>
/// SQLite only: brings a file created by an older version up to the current model. <c>EnsureCreated</c>
/// does nothing once any table exists, so this compares the file with the EF model and adds every table
/// the file lacks, every column a table lacks (<c>PRAGMA table_info</c>; NOT NULL columns get their type's
/// default, e.g. 0 or '', so existing rows stay readable) and every missing index. The DDL comes from the EF
/// model itself. Nothing is dropped or changed. (PostgreSQL has real migrations: Persistence/Migrations.)
/// </summary>
internal static class JobTableUpgrade
{
    /// <returns>What was added ("production_jobs.source", "comfyui_instances", …); empty when the file was current.</returns>
    public static async Task<IReadOnlyList<string>> EnsureAsync(AnimeProgressDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return [];
        }

        var model = db.GetService<IDesignTimeModel>().Model;
        var create = db.GetService<IMigrationsModelDiffer>().GetDifferences(null, model.GetRelationalModel());
        var operations = new List<MigrationOperation>();
        var added = new List<string>();
        foreach (var table in create.OfType<CreateTableOperation>())
        {
            var indexes = create.OfType<CreateIndexOperation>().Where(i => i.Table == table.Name).ToList();
            var columns = await NamesAsync(db, $"SELECT name AS \"Value\" FROM pragma_table_info({table.Name})", cancellationToken);
            if (columns.Count == 0)
            {
                operations.Add(table);
                operations.AddRange(indexes);
                added.Add(table.Name);
                continue;
            }

            foreach (var column in table.Columns.Where(c => !columns.Contains(c.Name)))
            {
                if (!column.IsNullable && column.DefaultValue is null && column.DefaultValueSql is null)
                {
                    // SQLite cannot add a NOT NULL column without a default.
                    column.DefaultValue = column.ClrType == typeof(string) ? "" : Activator.CreateInstance(column.ClrType);
                }

                if (table.Name == ProductionJobRow.Table && column.Name == "source")
                {
                    // Only this app writes the SQLite file, so its existing rows are its own (null would read as another program's).
                    column.DefaultValue = JobSource.AnimeProgress.ToWire();
                }

                column.Table = table.Name;
                operations.Add(column);
                added.Add($"{table.Name}.{column.Name}");
            }

            var existing = await NamesAsync(db, $"SELECT name AS \"Value\" FROM pragma_index_list({table.Name})", cancellationToken);
            operations.AddRange(indexes.Where(i => !existing.Contains(i.Name)));
        }

        if (operations.Count > 0)
        {
            var commands = db.GetService<IMigrationsSqlGenerator>().Generate(operations, model);
            await db.GetService<IMigrationCommandExecutor>().ExecuteNonQueryAsync(commands, db.GetService<IRelationalConnection>(), cancellationToken);
        }

        return added;
    }

    private static async Task<HashSet<string>> NamesAsync(AnimeProgressDbContext db, FormattableString sql, CancellationToken cancellationToken) =>
        [.. await db.Database.SqlQuery<string>(sql).ToListAsync(cancellationToken)];
}
