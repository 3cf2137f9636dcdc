using Microsoft.EntityFrameworkCore.Migrations;

namespace AnimeProgress.Core.Persistence.Migrations;

/// <summary>
/// <c>fleet_queue</c> (issue 16): jobs submitted through AnimeProgress wait here and keep, once chosen, the instance and
/// prompt id they are sent under (recorded before the POST, for exactly-once dispatch). <c>fleet_instances</c>: what
/// operators set on an instance (labels, drain). New tables only; nothing existing changes. Idempotent DDL like every
/// migration here.
/// </summary>
public partial class FleetQueue : SchemaMigration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(Ddl(Schema));
    }

    /// <summary>Keeps the tables: an older version of the app does not read them, and waiting jobs are not thrown away.</summary>
    protected override void Down(MigrationBuilder migrationBuilder)
    {
    }

    // Frozen with this migration: the statements EF generates for the model, made idempotent.
    private static string Ddl(string schema)
    {
        string T(string table) => PostgresDdl.Table(schema, table);
        return $"""
            CREATE TABLE IF NOT EXISTS {T("fleet_instances")} (
                "name" character varying(128) NOT NULL,
                "labels" character varying(1000) NOT NULL,
                "draining" boolean NOT NULL,
                "updated_at" timestamp with time zone NOT NULL,
                "updated_by" character varying(256),
                CONSTRAINT "PK_fleet_instances" PRIMARY KEY ("name")
            );
            CREATE TABLE IF NOT EXISTS {T("fleet_queue")} (
                "job_id" bigint NOT NULL,
                "title" character varying(500) NOT NULL,
                "kind" character varying(16) NOT NULL,
                "workflow" text NOT NULL,
                "extra_data" text,
                "frames_total" integer,
                "pinned_instance" character varying(128),
                "priority" integer NOT NULL,
                "position" bigint NOT NULL,
                "needs_vram_gb" double precision,
                "needs_labels" character varying(1000),
                "needs_models" text,
                "submitted_by" character varying(256),
                "submitted_at" timestamp with time zone NOT NULL,
                "state" character varying(16) NOT NULL,
                "instance" character varying(128),
                "prompt_id" character varying(64),
                "dispatched_at" timestamp with time zone,
                "retry_of" bigint,
                "updated_at" timestamp with time zone NOT NULL,
                CONSTRAINT "PK_fleet_queue" PRIMARY KEY ("job_id")
            );
            CREATE INDEX IF NOT EXISTS "ix_fleet_queue_state_position" ON {T("fleet_queue")} ("state", "position");
            """;
    }
}
