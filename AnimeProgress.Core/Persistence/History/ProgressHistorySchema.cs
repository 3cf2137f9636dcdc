using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;

namespace AnimeProgress.Core.Persistence.History;

/// <summary>
/// Adds <c>progress_history</c> to a database created before the table existed. <c>EnsureCreated</c>
/// does nothing once any table exists, so an older SQLite file would otherwise never get it. The
/// DDL comes from the EF model itself, so it matches the mapping on every provider.
/// </summary>
internal static class ProgressHistorySchema
{
    public static async Task<bool> EnsureAsync(AnimeProgressDbContext db, CancellationToken cancellationToken)
    {
        if (await ExistsAsync(db, cancellationToken))
        {
            return false;
        }

        var model = db.GetService<IDesignTimeModel>().Model;
        var operations = db.GetService<IMigrationsModelDiffer>()
            .GetDifferences(null, model.GetRelationalModel())
            .Where(o => o is CreateTableOperation { Name: ProgressHistoryMapping.Table } or CreateIndexOperation { Table: ProgressHistoryMapping.Table })
            .ToList();
        var commands = db.GetService<IMigrationsSqlGenerator>().Generate(operations, model);
        await db.GetService<IMigrationCommandExecutor>().ExecuteNonQueryAsync(commands, db.GetService<IRelationalConnection>(), cancellationToken);
        return true;
    }

    private static async Task<bool> ExistsAsync(AnimeProgressDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.ProgressHistory.AsNoTracking().AnyAsync(cancellationToken);
            return true;
        }
        catch (DbException)
        {
            return false;
        }
    }
}
