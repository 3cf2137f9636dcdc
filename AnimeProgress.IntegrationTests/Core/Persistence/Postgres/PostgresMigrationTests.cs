using System.Text.Json;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Postgres;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.TestSupport.Postgres;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AnimeProgress.IntegrationTests.Core.Persistence.Postgres;

/// <summary>
/// The PostgreSQL migrations against a real server: an empty database, the studio's seed table, a database
/// the first slice prepared, another schema, nodes racing, and the operator's side (MigrateOnStart, migrate).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrationTests(PostgresFixture postgres)
{
    private const string Initial = "20261129052841_InitialPostgres";
    private const string NotifyOnDelete = "20261129065212_NotifyOnDelete";
    private const string JobVersion = "20261206140000_JobVersion";
    private const string AccountTables = "20261206195539_AccountTables";
    private const string EtaRuns = "20261206224555_EtaRuns";
    private const string ApiKeys = "20261206225836_ApiKeys";
    private const string DataProtectionKeys = "20261206232516_DataProtectionKeys";
    private const string SubmittedBy = "20261206234732_SubmittedBy";
    private const string AuditLog = "20261206235757_AuditLog";
    private const string Notifications = "20261207013926_Notifications";
    private const string FleetQueue = "20261207013940_FleetQueue";
    private const string EtaBasis = "20261207144610_EtaBasis";
    private const string JobListIndexes = "20261207180113_JobListIndexes";
    private static readonly string[] All = [Initial, NotifyOnDelete, JobVersion, AccountTables, EtaRuns, ApiKeys, DataProtectionKeys, SubmittedBy, AuditLog, Notifications, FleetQueue, EtaBasis, JobListIndexes];

    /// <summary>The app's tables and ASP.NET Core Identity's, in byte order (COLLATE "C").</summary>
    private static readonly string[] Tables =
    [
        "AspNetRoleClaims", "AspNetRoles", "AspNetUserClaims", "AspNetUserLogins", "AspNetUserRoles", "AspNetUserTokens", "AspNetUsers",
        "DataProtectionKeys", "api_keys", "app_settings", "audit_log", "comfyui_instances", "eta_runs", "fleet_instances", "fleet_queue",
        "notification_attempts", "notification_channels", "notification_conditions", "notification_deliveries", "notification_events", "notification_rules",
        "production_jobs", "progress_history",
    ];

    private static readonly string[] Indexes =
    [
        "ix_api_keys_owner_id", "ix_api_keys_prefix", "ix_api_keys_secret_hash",
        "ix_audit_log_action", "ix_audit_log_actor_name", "ix_audit_log_at",
        "ix_eta_runs_workflow", "ix_fleet_queue_state_position",
        "ix_notification_attempts_delivery_id", "ix_notification_deliveries_digest", "ix_notification_deliveries_due", "ix_notification_deliveries_finished_at",
        "ix_notification_deliveries_rule", "ix_notification_events_occurred_at",
        "ix_production_jobs_comfyui_job_id", "ix_production_jobs_completed_at", "ix_production_jobs_finished", "ix_production_jobs_instance_finished",
        "ix_production_jobs_kind_finished", "ix_production_jobs_status", "ix_production_jobs_status_finished", "ix_production_jobs_submitted_by_finished",
        "ix_production_jobs_updated_at", "ix_production_jobs_workflow_key", "ix_production_jobs_workflow_key_finished", "ix_progress_history_job_id_recorded_at",
    ];

    /// <summary>Every column the model maps on production_jobs.</summary>
    private static readonly string[] JobColumns =
    [
        "id", "title", "kind", "workflow", "workflow_key", "status", "current_stage", "progress", "frames_complete",
        "estimated_total_frames", "frames_estimated", "eta_seconds", "progress_rate", "comfyui_job_id", "comfyui_instance",
        "error", "created_at", "started_at", "updated_at", "completed_at", "source", "eta_low_seconds", "eta_high_seconds",
        "rate_trend", "stalled", "queue_position", "current_node", "version", "submitted_by",
        "eta_basis",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AnimeProgressDbContext Context(string connectionString, string schema = DatabaseOptions.DefaultSchema)
    {
        var options = new DbContextOptionsBuilder<AnimeProgressDbContext>();
        PostgresModel.UseSchema(options, connectionString, schema);
        return new AnimeProgressDbContext(options.Options);
    }

    private static async Task<IReadOnlyList<string>> MigrateAsync(string connectionString, string schema = DatabaseOptions.DefaultSchema)
    {
        await using var db = Context(connectionString, schema);
        return await DatabaseInitializer.InitializeAsync(db, migrate: true, Ct);
    }

    private static async Task<List<string>> ListAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var list = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }

    /// <summary>Tables, indexes, triggers, the id sequence and the migrations-history row, all in <paramref name="schema"/>.</summary>
    private static async Task AssertSchemaAsync(string db, string schema)
    {
        Assert.Equal(Tables, await ListAsync(db, $"SELECT table_name::text FROM information_schema.tables WHERE table_schema = '{schema}' AND table_name <> '__EFMigrationsHistory' ORDER BY table_name COLLATE \"C\""));
        var columns = await ListAsync(db, $"SELECT column_name::text FROM information_schema.columns WHERE table_schema = '{schema}' AND table_name = 'production_jobs'");
        Assert.Empty(JobColumns.Except(columns));
        Assert.Equal(Indexes, await ListAsync(db, $"SELECT indexname::text FROM pg_indexes WHERE schemaname = '{schema}' AND indexname LIKE 'ix_%' ORDER BY 1"));
        Assert.Equal(
            ["comfyui_instances_notify", "production_jobs_notify", "production_jobs_notify_delete"],
            await ListAsync(db, $"SELECT t.tgname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{schema}' AND NOT t.tgisinternal ORDER BY 1"));
        Assert.Equal("bigint", await Sql.ScalarAsync<string>(db, $"SELECT data_type::text FROM information_schema.columns WHERE table_schema = '{schema}' AND table_name = 'production_jobs' AND column_name = 'id'"));
        Assert.NotNull(await Sql.ScalarAsync<string>(db, $"SELECT pg_get_serial_sequence('{schema}.production_jobs', 'id')"));
        Assert.Equal(All, await ListAsync(db, $"SELECT \"MigrationId\"::text FROM {schema}.\"__EFMigrationsHistory\" ORDER BY 1"));
    }

    /// <summary>An INSERT without an id gets one above every existing id, and the sequence's next value is above that too.</summary>
    private static async Task AssertIdSequenceAsync(string db, string schema, long highestBefore)
    {
        var inserted = await Sql.ScalarAsync<long>(db, $"INSERT INTO {schema}.production_jobs (title, status) VALUES ('inserted without id', 'queued') RETURNING id");
        Assert.True(inserted > highestBefore, $"new id {inserted} must be above {highestBefore}");
        var next = await Sql.ScalarAsync<long>(db, $"SELECT nextval(pg_get_serial_sequence('{schema}.production_jobs', 'id'))");
        Assert.True(next > inserted, $"nextval {next} must be above {inserted}");
    }

    [Fact]
    public async Task An_empty_database_gets_the_schema_tables_indexes_and_notify_triggers_and_a_second_run_is_a_no_op()
    {
        var db = await postgres.CreateDatabaseAsync("ap_mig_empty", Ct);

        Assert.Equal(All, await MigrateAsync(db));
        await AssertSchemaAsync(db, "anime_api");
        Assert.Equal(0L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"));
        await AssertIdSequenceAsync(db, "anime_api", 0);

        Assert.Empty(await MigrateAsync(db));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM anime_api.production_jobs"));

        // The migration itself is idempotent: run again over its own tables (history row removed), nothing breaks or goes.
        await Sql.ExecuteAsync(db, "DELETE FROM anime_api.\"__EFMigrationsHistory\"");
        Assert.Equal(All, await MigrateAsync(db));
        await AssertSchemaAsync(db, "anime_api");
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM anime_api.production_jobs"));
    }

    [Fact]
    public async Task Accounts_and_their_roles_are_stored_and_read_back_through_the_identity_model_in_the_configured_schema()
    {
        var db = await postgres.CreateDatabaseAsync("ap_mig_accounts", Ct);
        await MigrateAsync(db, "studio_accounts");

        await using (var context = Context(db, "studio_accounts"))
        {
            var role = new Microsoft.AspNetCore.Identity.IdentityRole("Operator") { NormalizedName = "OPERATOR" };
            var user = new Microsoft.AspNetCore.Identity.IdentityUser("mika") { NormalizedUserName = "MIKA", LockoutEnabled = true, LockoutEnd = DateTimeOffset.UnixEpoch.AddYears(60) };
            context.Roles.Add(role);
            context.Users.Add(user);
            context.UserRoles.Add(new Microsoft.AspNetCore.Identity.IdentityUserRole<string> { UserId = user.Id, RoleId = role.Id });
            await context.SaveChangesAsync(Ct);
        }

        await using (var context = Context(db, "studio_accounts"))
        {
            var stored = await context.Users.SingleAsync(u => u.NormalizedUserName == "MIKA", Ct);
            Assert.Equal(DateTimeOffset.UnixEpoch.AddYears(60), stored.LockoutEnd);
            Assert.Equal("Operator", await context.UserRoles.Where(r => r.UserId == stored.Id).Join(context.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name).SingleAsync(Ct));
        }

        // One user per normalized name, enforced by the database too.
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'studio_accounts' AND indexname = 'UserNameIndex' AND indexdef LIKE 'CREATE UNIQUE%'"));
    }

    [Fact]
    public async Task The_triggers_notify_one_channel_with_small_payloads_naming_schema_and_table()
    {
        var db = await postgres.CreateDatabaseAsync("ap_mig_notify", Ct);
        await MigrateAsync(db);
        await using var listen = new NpgsqlConnection(db);
        await listen.OpenAsync(Ct);
        var payloads = new List<string>();
        listen.Notification += (_, e) => payloads.Add(e.Payload);
        await using (var command = new NpgsqlCommand($"LISTEN {PostgresNotifications.Channel}", listen))
        {
            await command.ExecuteNonQueryAsync(Ct);
        }

        var longName = new string('n', 5000);
        await Sql.ExecuteAsync(db, "INSERT INTO anime_api.production_jobs (id, title, status, progress) VALUES (12, 'Cut 12', 'running', 42.5)");
        await Sql.ExecuteAsync(db, $"INSERT INTO anime_api.comfyui_instances (name, status) VALUES ('{longName}', '{{\"online\": true}}')");
        while (payloads.Count < 2)
        {
            Assert.True(await listen.WaitAsync(TimeSpan.FromSeconds(10), Ct), "a notification");
        }

        using var job = JsonDocument.Parse(payloads[0]);
        Assert.Equal("anime_api", job.RootElement.GetProperty("schema").GetString());
        Assert.Equal("production_jobs", job.RootElement.GetProperty("table").GetString());
        Assert.Equal(12, job.RootElement.GetProperty("id").GetInt64());
        Assert.Equal(42.5, job.RootElement.GetProperty("progress").GetDouble());
        Assert.Equal("running", job.RootElement.GetProperty("status").GetString());
        Assert.True(job.RootElement.TryGetProperty("updated_at", out _));
        using var instance = JsonDocument.Parse(payloads[1]);
        Assert.Equal("comfyui_instances", instance.RootElement.GetProperty("table").GetString());
        Assert.Equal(longName[..200], instance.RootElement.GetProperty("name").GetString());
        Assert.All(payloads, p => Assert.True(p.Length < 1000, $"payload of {p.Length} characters"));
    }

    [Fact]
    public async Task The_seed_table_is_upgraded_in_place_keeping_its_rows_its_own_columns_and_a_working_id_sequence()
    {
        var db = await postgres.CreateDatabaseAsync("ap_mig_seed", Ct);
        // The studio's seed: SERIAL id, a subset of the columns in its own types, a column of its own, NULLs where the app needs values.
        await Sql.ExecuteAsync(db, """
            CREATE SCHEMA anime_api;
            CREATE TABLE anime_api.production_jobs (
              id SERIAL PRIMARY KEY,
              title VARCHAR(255) NOT NULL,
              status VARCHAR(50) DEFAULT 'pending',
              progress INTEGER DEFAULT 0,
              comfyui_job_id VARCHAR(100),
              created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
              updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
              priority INTEGER DEFAULT 5);
            INSERT INTO anime_api.production_jobs (title, status, progress, comfyui_job_id) VALUES
              ('Opening, cut 1', 'processing', 40, 'prompt-a'), ('Opening, cut 2', 'pending', 0, NULL);
            INSERT INTO anime_api.production_jobs (id, title, status, progress, priority, created_at, updated_at) VALUES
              (500, 'Ending', 'completed', NULL, 9, NULL, NULL);
            CREATE TABLE public.studio_assets (id bigint PRIMARY KEY);
            """);

        Assert.Equal(All, await MigrateAsync(db));

        await AssertSchemaAsync(db, "anime_api");
        Assert.Equal(3L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM anime_api.production_jobs"));
        Assert.Equal(9, await Sql.ScalarAsync<int>(db, "SELECT priority FROM anime_api.production_jobs WHERE id = 500"));
        Assert.Equal("prompt-a", await Sql.ScalarAsync<string>(db, "SELECT comfyui_job_id FROM anime_api.production_jobs WHERE id = 1"));
        Assert.Equal("timestamp with time zone", await Sql.ScalarAsync<string>(db, "SELECT data_type::text FROM information_schema.columns WHERE table_schema = 'anime_api' AND table_name = 'production_jobs' AND column_name = 'created_at'"));
        Assert.Equal("studio_assets", await Sql.ScalarAsync<string>(db, "SELECT to_regclass('public.studio_assets')::text"));
        await AssertIdSequenceAsync(db, "anime_api", 500);

        // The app reads every row, old and new, with the seed's values and sensible defaults.
        await using var context = Context(db);
        var rows = await context.ProductionJobs.AsNoTracking().OrderBy(r => r.Id).ToListAsync(Ct);
        var jobs = rows.Select(JobRowMapper.ToSnapshot).ToList();
        Assert.Equal(["Opening, cut 1", "Opening, cut 2", "Ending", "inserted without id"], jobs.Select(j => j.Title));
        Assert.Equal([JobStatus.Running, JobStatus.Queued, JobStatus.Completed, JobStatus.Queued], jobs.Select(j => j.Status));
        Assert.Equal([40.0, 0, 0, 0], jobs.Select(j => j.Percent));
        Assert.All(jobs, j => Assert.Equal((JobKind.Image, JobSource.Database, false), (j.Kind, j.Source, j.Stalled)));
        Assert.All(rows, r => Assert.NotEqual(default, r.CreatedAt));
    }

    [Fact]
    public async Task A_database_prepared_by_the_first_slice_is_upgraded()
    {
        var db = await postgres.CreateDatabaseAsync("ap_mig_slice1", Ct);
        // What EnsureCreated and PostgresSchema.PrepareAsync made before migrations existed: bigint id without a default,
        // no source/ETA-range columns, no comfyui_instances, and the old trigger whose payload had no "table".
        await Sql.ExecuteAsync(db, """
            CREATE SCHEMA anime_api;
            CREATE TABLE anime_api.production_jobs (
              id bigint NOT NULL, title character varying(500) NOT NULL, kind character varying(16) NOT NULL, workflow text,
              workflow_key character varying(32), status character varying(32) NOT NULL, current_stage character varying(32),
              progress double precision NOT NULL, frames_complete integer, estimated_total_frames integer, frames_estimated boolean NOT NULL,
              eta_seconds double precision, progress_rate double precision, comfyui_job_id character varying(64),
              comfyui_instance character varying(128), error text, created_at timestamp with time zone NOT NULL,
              started_at timestamp with time zone, updated_at timestamp with time zone NOT NULL, completed_at timestamp with time zone,
              CONSTRAINT "PK_production_jobs" PRIMARY KEY (id));
            CREATE INDEX ix_production_jobs_status ON anime_api.production_jobs (status);
            CREATE TABLE anime_api.progress_history (
              id bigint GENERATED BY DEFAULT AS IDENTITY, job_id bigint NOT NULL, recorded_at timestamp with time zone NOT NULL,
              progress double precision NOT NULL, stage character varying(32) NOT NULL, rate double precision,
              CONSTRAINT "PK_progress_history" PRIMARY KEY (id));
            CREATE FUNCTION anime_api.production_jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
              PERFORM pg_notify('animeprogress_production_jobs', json_build_object('schema', TG_TABLE_SCHEMA, 'id', NEW.id)::text);
              RETURN NEW;
            END
            $fn$;
            CREATE TRIGGER production_jobs_notify AFTER INSERT OR UPDATE ON anime_api.production_jobs FOR EACH ROW EXECUTE FUNCTION anime_api.production_jobs_notify();
            INSERT INTO anime_api.production_jobs (id, title, kind, status, progress, frames_estimated, created_at, updated_at)
              VALUES (41, 'Cut 41', 'video', 'completed', 100, false, now(), now());
            INSERT INTO anime_api.progress_history (job_id, recorded_at, progress, stage) VALUES (41, now(), 50, 'Rendering');
            """);

        Assert.Equal(All, await MigrateAsync(db));

        await AssertSchemaAsync(db, "anime_api");
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM anime_api.progress_history"));
        Assert.Contains("'table'", await Sql.ScalarAsync<string>(db, "SELECT prosrc FROM pg_proc WHERE proname = 'production_jobs_notify'"), StringComparison.Ordinal);
        await AssertIdSequenceAsync(db, "anime_api", 41);
        await using var context = Context(db);
        var row = await context.ProductionJobs.AsNoTracking().SingleAsync(r => r.Id == 41, Ct);
        Assert.Equal(("Cut 41", "video", null, false), (row.Title, row.Kind, row.Source, row.Stalled));
    }

    [Fact]
    public async Task A_custom_schema_gets_everything_in_that_schema_only()
    {
        var db = await postgres.CreateDatabaseAsync("ap_mig_schema", Ct);

        Assert.Equal(All, await MigrateAsync(db, "studio_b"));

        await AssertSchemaAsync(db, "studio_b");
        Assert.Equal(0L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'anime_api'"));
        Assert.Contains("studio_b", await Sql.ScalarAsync<string>(db, "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'production_jobs_notify'"), StringComparison.Ordinal);
        await AssertIdSequenceAsync(db, "studio_b", 0);

        // The default schema next to it is a separate, complete set.
        Assert.Equal(All, await MigrateAsync(db));
        await AssertSchemaAsync(db, "anime_api");
        Assert.Empty(await MigrateAsync(db, "studio_b"));
    }

    [Fact]
    public async Task Nodes_migrating_at_the_same_time_take_turns()
    {
        var db = await postgres.CreateDatabaseAsync("ap_mig_race", Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => MigrateAsync(db), Ct)));

        Assert.Equal([0, 0, All.Length], results.Select(r => r.Count).Order());
        await AssertSchemaAsync(db, "anime_api");
    }

    [Fact]
    public void The_model_has_no_changes_missing_from_the_migrations_for_the_default_schema()
    {
        // Any other schema differs from the snapshot by design (PendingModelChangesWarning is ignored for that reason);
        // for the default schema the model and the last migration's snapshot must agree: add a migration when this fails.
        using var db = Context("Host=127.0.0.1;Port=1;Username=unused");
        Assert.False(db.Database.HasPendingModelChanges());
        Assert.Equal(All, db.Database.GetMigrations());
    }

    [Fact]
    public async Task With_MigrateOnStart_off_start_up_fails_while_migrations_are_pending_and_succeeds_after_migrate()
    {
        var db = await postgres.CreateDatabaseAsync("ap_mig_off", Ct);
        var settings = new Dictionary<string, string>
        {
            ["AnimeProgress__Database__Provider"] = "Postgres",
            ["ConnectionStrings__AnimeProduction"] = db,
            ["AnimeProgress__Database__MigrateOnStart"] = "false",
            ["AnimeProgress__Demo__Enabled"] = "false",
        };

        var (exitCode, output) = await AppProcess.RunUntilExitAsync(settings, Ct);

        Assert.Equal(1, exitCode);
        Assert.Contains("AnimeProgress:Database:MigrateOnStart", output, StringComparison.Ordinal);
        Assert.Contains("migrate", output, StringComparison.Ordinal);
        Assert.Null(await Sql.ScalarAsync<string>(db, "SELECT to_regclass('anime_api.production_jobs')::text"));

        await MigrateAsync(db);
        await using var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Database:Provider"] = "Postgres",
            ["ConnectionStrings:AnimeProduction"] = db,
            ["AnimeProgress:Database:MigrateOnStart"] = "false",
            ["AnimeProgress:Demo:Enabled"] = "false",
        });
        using var http = app.CreateClient();
        using var response = await http.GetAsync(new Uri("/api/jobs", UriKind.Relative), Ct);
        Assert.True(response.IsSuccessStatusCode, $"/api/jobs answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task The_migrate_command_migrates_a_fresh_database_and_names_the_key_of_a_bad_setting()
    {
        var db = await postgres.CreateDatabaseAsync("ap_mig_cli", Ct);
        var settings = new Dictionary<string, string>
        {
            ["AnimeProgress__Database__Provider"] = "Postgres",
            ["ConnectionStrings__AnimeProduction"] = db,
        };

        var (exitCode, output) = await AppProcess.RunUntilExitAsync(settings, ["migrate"], Ct);

        Assert.True(exitCode == 0, output);
        Assert.Contains(Initial, output, StringComparison.Ordinal);
        await AssertSchemaAsync(db, "anime_api");

        (exitCode, output) = await AppProcess.RunUntilExitAsync(settings, ["migrate"], Ct);
        Assert.True(exitCode == 0, output);
        Assert.Contains("up to date", output, StringComparison.Ordinal);

        (exitCode, output) = await AppProcess.RunUntilExitAsync(
            new Dictionary<string, string> { ["AnimeProgress__Database__Provider"] = "Postgres" }, ["migrate"], Ct);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("ConnectionStrings:AnimeProduction", output, StringComparison.Ordinal);

        (exitCode, output) = await AppProcess.RunUntilExitAsync(
            new Dictionary<string, string>(settings) { ["AnimeProgress__Database__Schema"] = "two words" }, ["migrate"], Ct);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("AnimeProgress:Database:Schema", output, StringComparison.Ordinal);
    }
}
