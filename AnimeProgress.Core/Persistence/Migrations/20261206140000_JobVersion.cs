using Microsoft.EntityFrameworkCore.Migrations;

namespace AnimeProgress.Core.Persistence.Migrations;

/// <summary>
/// <c>production_jobs.version</c> (issue 13): each job's version as last published, so that versions never go down
/// across restarts and nodes. Existing rows (and rows other programs insert without it) get 0, which reads as 1.
/// Adding a column with a constant default rewrites nothing, however big the table. (The same model change also
/// gives <c>error</c> a maximum length; the column stays <c>text</c>, the length is applied on save.)
/// </summary>
public partial class JobVersion : SchemaMigration
{
    // Frozen with this migration.
    private static readonly PgColumn[] Columns =
    [
        new("version", "bigint", NotNull: true, Default: "0"),
    ];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var table = PostgresDdl.Table(Schema, "production_jobs");
        migrationBuilder.Sql(string.Concat(Columns.Select(c => $"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {c.Definition};\n")));
        // A version column another program made first is widened to bigint, defaulted and made NOT NULL (or named in an error).
        migrationBuilder.Sql(PostgresDdl.FitColumns(Schema, "production_jobs", Columns));
    }

    /// <summary>Keeps the column: it holds data, and an older version of the app simply does not read it.</summary>
    protected override void Down(MigrationBuilder migrationBuilder)
    {
    }
}
