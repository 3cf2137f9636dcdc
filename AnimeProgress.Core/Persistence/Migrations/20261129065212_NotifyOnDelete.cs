using AnimeProgress.Core.Persistence.Postgres;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AnimeProgress.Core.Persistence.Migrations;

/// <summary>
/// Deleted rows are announced too (<c>{"op":"delete"}</c>), so every node drops a job that is gone: a test job
/// reset, or a job id retired when a row named a prompt the leader had already discovered under another id.
/// </summary>
public partial class NotifyOnDelete : SchemaMigration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var function = $"{PostgresDdl.Ident(Schema)}.{PostgresDdl.Ident("production_jobs_notify_delete")}";
        migrationBuilder.Sql($$"""
            CREATE OR REPLACE FUNCTION {{function}}() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
              PERFORM pg_notify({{PostgresDdl.Literal(PostgresNotifications.Channel)}}, json_build_object(
                'schema', TG_TABLE_SCHEMA,
                'table', TG_TABLE_NAME,
                'op', 'delete',
                'id', OLD.id)::text);
              RETURN OLD;
            END
            $fn$;
            DROP TRIGGER IF EXISTS production_jobs_notify_delete ON {{PostgresDdl.Table(Schema, "production_jobs")}};
            CREATE TRIGGER production_jobs_notify_delete AFTER DELETE ON {{PostgresDdl.Table(Schema, "production_jobs")}}
              FOR EACH ROW EXECUTE FUNCTION {{function}}();
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql($"""
            DROP TRIGGER IF EXISTS production_jobs_notify_delete ON {PostgresDdl.Table(Schema, "production_jobs")};
            DROP FUNCTION IF EXISTS {PostgresDdl.Ident(Schema)}.{PostgresDdl.Ident("production_jobs_notify_delete")}();
            """);
}
