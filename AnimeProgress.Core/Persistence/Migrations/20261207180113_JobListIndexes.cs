using Microsoft.EntityFrameworkCore.Migrations;

namespace AnimeProgress.Core.Persistence.Migrations;

/// <summary>
/// The job lists' indexes at a million rows (issue 15 item 5, <see cref="Persistence.JobListIndexes"/>): one per filter
/// column, each ending in (completed_at, id). Plain <c>CREATE INDEX</c> inside the migration's transaction, not
/// <c>CONCURRENTLY</c>: an interrupted concurrent build leaves an invalid index that <c>IF NOT EXISTS</c> would then
/// keep. Writes to <c>production_jobs</c> wait while they are built (about two seconds each per million rows,
/// docs/benchmarks.md), once, at the upgrade.
/// </summary>
public partial class JobListIndexes : SchemaMigration
{
    // Frozen with this migration (the list in Persistence.JobListIndexes may grow in a later one). Each carries status as
    // an included column: the history page filters on it, and a filtered count then never visits the table.
    private static readonly (string Name, string Definition)[] Indexes =
    [
        ("ix_production_jobs_finished", "(completed_at, id) INCLUDE (status)"),
        ("ix_production_jobs_status_finished", "(status, completed_at, id)"),
        ("ix_production_jobs_instance_finished", "(comfyui_instance, completed_at, id) INCLUDE (status)"),
        ("ix_production_jobs_kind_finished", "(kind, completed_at, id) INCLUDE (status)"),
        ("ix_production_jobs_submitted_by_finished", "(submitted_by, completed_at, id) INCLUDE (status)"),
        ("ix_production_jobs_workflow_key_finished", "(workflow_key, completed_at, id) INCLUDE (status)"),
    ];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var table = PostgresDdl.Table(Schema, "production_jobs");
        migrationBuilder.Sql(string.Concat(Indexes.Select(i => $"CREATE INDEX IF NOT EXISTS {PostgresDdl.Ident(i.Name)} ON {table} {i.Definition};\n")));
    }

    /// <summary>Drops the indexes: they hold no data, and an older version only lists more slowly without them.</summary>
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(string.Concat(Indexes.Select(i => $"DROP INDEX IF EXISTS {PostgresDdl.Ident(Schema)}.{PostgresDdl.Ident(i.Name)};\n")));
    }
}
