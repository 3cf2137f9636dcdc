using Microsoft.EntityFrameworkCore.Migrations;

namespace AnimeProgress.Core.Persistence.Migrations;

/// <summary>
/// <c>production_jobs.submitted_by</c> (issue 14 item 11): who submitted a job through AnimeProgress. Nullable with no
/// default, so existing rows and rows other programs insert read null ("not submitted through AnimeProgress") and no
/// other writer has to know the column. Adding a nullable column rewrites nothing, however big the table.
/// </summary>
public partial class SubmittedBy : SchemaMigration
{
    // Frozen with this migration.
    private static readonly PgColumn[] Columns =
    [
        new("submitted_by", "character varying(256)"),
    ];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var table = PostgresDdl.Table(Schema, "production_jobs");
        migrationBuilder.Sql(string.Concat(Columns.Select(c => $"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {c.Definition};\n")));
        // A submitted_by column another program made first is widened to fit (or named in an error).
        migrationBuilder.Sql(PostgresDdl.FitColumns(Schema, "production_jobs", Columns));
    }

    /// <summary>Keeps the column: it holds data, and an older version of the app simply does not read it.</summary>
    protected override void Down(MigrationBuilder migrationBuilder)
    {
    }
}
