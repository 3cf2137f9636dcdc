using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Core.Persistence;

/// <summary>
/// Adds columns newer versions map to a <c>production_jobs</c> table created by an older one:
/// <c>EnsureCreated</c> never alters an existing table, so the embedded SQLite file would otherwise
/// break on upgrade. (PostgreSQL gets real migrations with the production-store work.)
/// </summary>
internal static class JobTableUpgrade
{
    public static async Task EnsureAsync(AnimeProgressDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return;
        }

        try
        {
            await db.ProductionJobs.AsNoTracking().Select(j => j.WorkflowKey).FirstOrDefaultAsync(cancellationToken);
        }
        catch (DbException)
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE production_jobs ADD COLUMN workflow_key TEXT NULL", cancellationToken);
            await db.Database.ExecuteSqlRawAsync("CREATE INDEX IF NOT EXISTS ix_production_jobs_workflow_key ON production_jobs (workflow_key)", cancellationToken);
        }
    }
}
