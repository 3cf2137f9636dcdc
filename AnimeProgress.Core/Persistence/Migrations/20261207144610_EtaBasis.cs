using Microsoft.EntityFrameworkCore.Migrations;

namespace AnimeProgress.Core.Persistence.Migrations;

/// <summary>
/// <c>production_jobs.eta_basis</c> (issue 20 item 6): what a running job's ETA rests on, written by the leader so every
/// node's job page can say it. Nullable with no default: other programs' rows and older rows read "no basis".
/// </summary>
public partial class EtaBasis : SchemaMigration
{
    // Frozen with this migration.
    private static readonly PgColumn[] Columns =
    [
        new("eta_basis", "character varying(64)"),
    ];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var table = PostgresDdl.Table(Schema, "production_jobs");
        migrationBuilder.Sql(string.Concat(Columns.Select(c => $"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {c.Definition};\n")));
        migrationBuilder.Sql(PostgresDdl.FitColumns(Schema, "production_jobs", Columns));
    }

    /// <summary>Keeps the column: an older version of the app simply does not read it.</summary>
    protected override void Down(MigrationBuilder migrationBuilder)
    {
    }
}
