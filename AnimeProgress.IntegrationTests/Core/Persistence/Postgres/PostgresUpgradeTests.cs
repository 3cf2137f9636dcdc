using System.Text.Json;
using AnimeProgress.Core.Boundary;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Postgres;
using AnimeProgress.TestSupport.Postgres;
using AnimeProgress.Web.Jobs.ReadModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AnimeProgress.IntegrationTests.Core.Persistence.Postgres;

/// <summary>
/// Issue 13's upgrade test, kept for the rest of the stage: a database at the schema of the day the issue was filed,
/// holding rows as the app, its history, its instance sharing and another program left them, is upgraded by every
/// migration that came after (each one found from the migrations assembly, so a new migration is tested without
/// touching this class), and not one row or value is lost or changed.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresUpgradeTests(PostgresFixture postgres)
{
    /// <summary>
    /// The schema of issue 13's day: the last migration on main when the issue was filed. Studio databases stand here;
    /// every migration after it must carry their rows over unchanged. Never move it forward.
    /// </summary>
    private const string Baseline = "20261129065212_NotifyOnDelete";

    private const string Schema = DatabaseOptions.DefaultSchema;

    /// <summary>The tables at the baseline, with the key their rows are ordered by.</summary>
    private static readonly (string Table, string Key)[] Tables =
        [("production_jobs", "id"), ("progress_history", "id"), ("comfyui_instances", "name")];

    /// <summary>
    /// Every column a migration after the baseline adds, with the value it documents for rows that were there before
    /// it (as PostgreSQL's text). A migration that adds a column adds it here, or the tests below name it.
    /// </summary>
    private static readonly Dictionary<(string Table, string Column), string?> AddedColumns = new()
    {
        // 20261206140000_JobVersion: DEFAULT 0, which the app reads as version 1 and a restart goes past.
        [("production_jobs", "version")] = "0",
        // 20261206234732_SubmittedBy: nullable, no default; null = not submitted through AnimeProgress.
        [("production_jobs", "submitted_by")] = null,
        // 20261207144610_EtaBasis: nullable, no default; null = no basis to show.
        [("production_jobs", "eta_basis")] = null,
    };

    /// <summary>A title at the column's 500 characters, not all of them ASCII.</summary>
    private static readonly string LongTitle = string.Concat(Enumerable.Repeat("第12話 ", 30)).PadRight(500, 'x');

    /// <summary>A traceback as ComfyUI reports it: 400 lines with quotes, braces and backslashes.</summary>
    private static readonly string LongError = string.Join('\n', Enumerable.Range(1, 400).Select(i =>
        $"  File \"/comfy/nodes.py\", line {i}, in run: ValueError('tensor {{\"shape\": [1, 4, 64, 64]}}') \\ it's broken"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Contexts(string db) : IDbContextFactory<AnimeProgressDbContext>
    {
        public AnimeProgressDbContext CreateDbContext() => Context(db);
    }

    /// <summary>One table's rows: each column's value as PostgreSQL's own text (null stays null), in key order.</summary>
    private sealed record TableRows(string Table, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyDictionary<string, string?>> Rows);

    private static AnimeProgressDbContext Context(string connectionString)
    {
        var options = new DbContextOptionsBuilder<AnimeProgressDbContext>();
        PostgresModel.UseSchema(options, connectionString, Schema);
        return new AnimeProgressDbContext(options.Options);
    }

    /// <summary>The migrations after <see cref="Baseline"/>, in order, as the app's migrations assembly lists them.</summary>
    private static List<string> LaterMigrations()
    {
        using var db = Context("Host=127.0.0.1;Port=1;Username=unused");
        var all = db.Database.GetMigrations().ToList();
        Assert.Contains(Baseline, all);
        return all[(all.IndexOf(Baseline) + 1)..];
    }

    /// <summary>A fresh database migrated to the baseline only, holding the rows of <see cref="InsertRowsAsync"/>.</summary>
    private async Task<string> DatabaseAtBaselineAsync(string prefix)
    {
        var db = await postgres.CreateDatabaseAsync(prefix, Ct);
        await using (var context = Context(db))
        {
            await context.GetService<IMigrator>().MigrateAsync(Baseline, Ct);
        }

        Assert.Equal(Baseline, await Sql.ScalarAsync<string>(db, $"SELECT max(\"MigrationId\")::text FROM {Schema}.\"__EFMigrationsHistory\""));
        // The baseline predates production_jobs.version: the rows below are in the table as it was then.
        Assert.Null(await Sql.ScalarAsync<string>(db, $"SELECT column_name::text FROM information_schema.columns WHERE table_schema = '{Schema}' AND table_name = 'production_jobs' AND column_name = 'version'"));
        await InsertRowsAsync(db);
        return db;
    }

    /// <summary>
    /// Rows as they are found in a studio's database of that day: jobs the app wrote in every status, kind and source
    /// (full precision, long texts, non-ASCII, NULLs where allowed), a job another program inserted with the table's
    /// defaults and a status the app does not know, the studio's own column, progress samples (one of a job since
    /// deleted) and the shared states of ComfyUI instances.
    /// </summary>
    private static async Task InsertRowsAsync(string db)
    {
        var gpu = new InstanceStatus
        {
            Name = "gpu-1",
            BaseUrl = new Uri("http://10.0.0.21:8188/"),
            Online = true,
            Since = new DateTimeOffset(2026, 11, 28, 21, 0, 0, TimeSpan.Zero),
            QueueRemaining = 2,
            Devices = [new DeviceStats("cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync", "cuda", 25_757_220_864, 3_221_225_472)],
            ComfyUiVersion = "0.3.10",
            VramHistory = [0.42, 0.87, 0.875],
            RunningPromptId = "b7e8d0a2-7f55-4d8e-9d1e-0c1f2a3b4c5d",
        };
        var farm = gpu with { Name = "render-farm-07", BaseUrl = new Uri("http://render-farm-07:8188/"), Online = false, LastError = "Connection refused (render-farm-07:8188)", ReconnectAttempt = 4, Devices = [], VramHistory = [] };

        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand($$"""
            ALTER TABLE {{Schema}}.production_jobs ADD COLUMN priority integer DEFAULT 5;
            CREATE INDEX studio_priority ON {{Schema}}.production_jobs (priority);

            INSERT INTO {{Schema}}.production_jobs (title, kind, workflow, workflow_key, status, current_stage, progress, frames_complete,
              estimated_total_frames, frames_estimated, eta_seconds, progress_rate, comfyui_job_id, comfyui_instance, error, created_at,
              started_at, updated_at, completed_at, source, eta_low_seconds, eta_high_seconds, rate_trend, stalled, queue_position, current_node, priority)
            VALUES
              ('Episode 12, opening, cut 4 (レイアウト)', 'video', @workflow, 'a1b2c3d4e5f60718293a4b5c6d7e8f90', 'completed', 'Completed', 100, 96,
               96, false, 0, 12.75, '6f1c1f6e-3a8e-4a57-9a55-2b7f0c9d1e42', 'gpu-1', NULL, '2026-11-28 22:14:03.123456+00',
               '2026-11-28 22:14:05.5+00', '2026-11-28 22:21:48.999999+00', '2026-11-28 22:21:48.999999+00', 'animeprogress', 0, 0, 'steady', false, NULL, NULL, 1),
              (@longTitle, 'image', NULL, 'ffeeddccbbaa99887766554433221100', 'processing', 'Post-processing', 33.333333333333336, 22,
               64, true, 187.04999999999998, 0.3141592653589793, 'b7e8d0a2-7f55-4d8e-9d1e-0c1f2a3b4c5d', 'gpu-1', NULL, '2026-11-29 06:00:00+09',
               '2026-11-28 21:00:01.000001+00', '2026-11-28 21:05:00+00', NULL, 'broadcast', 120.5, 300.25, 'slowing_down', true, NULL, 'VAEDecode 🎞', 5),
              ('Background plate, sky', 'image', NULL, NULL, 'queued', 'Queued', 0, NULL,
               NULL, false, NULL, NULL, '0c2d9b1e-0000-4000-8000-000000000003', 'render-farm-07', NULL, '2026-11-28 21:10:00+00',
               NULL, '2026-11-28 21:10:00+00', NULL, 'external', NULL, NULL, NULL, false, 3, NULL, NULL),
              ('Episode 12, cut 9', 'video', NULL, 'a1b2c3d4e5f60718293a4b5c6d7e8f90', 'failed', 'Failed', 71.5, 68,
               96, false, NULL, 9.5, '11111111-2222-4333-8444-555555555555', 'gpu-1', @longError, '2026-11-28 20:00:00+00',
               '2026-11-28 20:00:02+00', '2026-11-28 20:09:59+00', '2026-11-28 20:09:59+00', 'animeprogress', NULL, NULL, 'speeding_up', false, NULL, 'KSampler', 5),
              ('Retake of cut 2', 'image', NULL, NULL, 'cancelled', 'Cancelled', 12, NULL,
               NULL, false, NULL, NULL, NULL, NULL, NULL, '2026-11-28 19:00:00+00',
               NULL, '2026-11-28 19:00:30+00', '2026-11-28 19:00:30+00', 'database', NULL, NULL, NULL, false, NULL, NULL, 5);

            -- As another program of the studio inserts: a few columns, the table defaults for the rest.
            INSERT INTO {{Schema}}.production_jobs (title, status, progress) VALUES ('Studio compositing pass', 'rendering', 12.5);
            INSERT INTO {{Schema}}.production_jobs (title, status, priority) VALUES ('On hold by the director', 'on_hold', 9);

            INSERT INTO {{Schema}}.progress_history (job_id, recorded_at, progress, stage, rate) VALUES
              (1, '2026-11-28 22:14:05.5+00', 0, 'Initializing', NULL),
              (1, '2026-11-28 22:16:00.25+00', 25.5, 'Rendering', 12.125),
              (1, '2026-11-28 22:20:00+00', 90, 'Post-processing', 13.0000001),
              (1, '2026-11-28 22:21:48.999999+00', 100, 'Completed', NULL),
              (2, '2026-11-28 21:00:01.000001+00', 0, 'Initializing', NULL),
              (2, '2026-11-28 21:05:00+00', 33.333333333333336, 'Post-processing', 0.3141592653589793),
              (999, '2026-11-01 00:00:00+00', 50, 'Rendering', 1);

            INSERT INTO {{Schema}}.comfyui_instances (name, status, updated_at) VALUES
              ('gpu-1', @gpu, '2026-11-28 22:21:49.5+00'),
              ('render-farm-07', @farm, '2026-11-28 22:21:49.5+00'),
              ('old-box', '{"name":"old-box","baseUrl":"http://10.0.0.7:8188/"}', '2026-10-01 00:00:00+00');
            """, connection);
        command.Parameters.AddWithValue("workflow", """{"3": {"class_type": "KSampler", "inputs": {"seed": 1234, "steps": 30, "cfg": 7.5}}, "9": {"class_type": "SaveAnimatedWEBP", "inputs": {"filename_prefix": "ep12/op/c4"}}}""");
        command.Parameters.AddWithValue("longTitle", LongTitle);
        command.Parameters.AddWithValue("longError", LongError);
        command.Parameters.AddWithValue("gpu", JsonSerializer.Serialize(gpu, InstanceStatusStore.Json));
        command.Parameters.AddWithValue("farm", JsonSerializer.Serialize(farm, InstanceStatusStore.Json));
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<List<string>> ColumnsAsync(NpgsqlConnection connection, string table)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT column_name::text FROM information_schema.columns WHERE table_schema = '{Schema}' AND table_name = '{table}' ORDER BY ordinal_position",
            connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var columns = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    /// <summary>Every column of every row of every table, as text: what "nothing lost or changed" is checked against.</summary>
    private static async Task<List<TableRows>> SnapshotAsync(string db)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Ct);
        var tables = new List<TableRows>();
        foreach (var (table, key) in Tables)
        {
            var columns = await ColumnsAsync(connection, table);
            await using var command = new NpgsqlCommand(
                $"SELECT {string.Join(", ", columns.Select(c => $"\"{c}\"::text"))} FROM {Schema}.\"{table}\" ORDER BY \"{key}\"", connection);
            await using var reader = await command.ExecuteReaderAsync(Ct);
            var rows = new List<IReadOnlyDictionary<string, string?>>();
            while (await reader.ReadAsync(Ct))
            {
                rows.Add(columns.Select((c, i) => KeyValuePair.Create(c, reader.IsDBNull(i) ? null : reader.GetString(i))).ToDictionary(StringComparer.Ordinal));
            }

            tables.Add(new TableRows(table, columns, rows));
        }

        return tables;
    }

    /// <summary>
    /// Every row and every value of <paramref name="before"/> is in <paramref name="after"/> as it was, and every column
    /// added since holds its documented value in those rows.
    /// </summary>
    private static void AssertKept(List<TableRows> before, List<TableRows> after, string step)
    {
        foreach (var (old, now) in before.Zip(after))
        {
            Assert.Equal(old.Table, now.Table);
            Assert.True(old.Rows.Count == now.Rows.Count, $"{step}: {old.Table} had {old.Rows.Count} rows, now {now.Rows.Count}");
            Assert.Empty(old.Columns.Except(now.Columns));
            var added = now.Columns.Except(old.Columns).ToList();
            Assert.All(added, c => Assert.True(AddedColumns.ContainsKey((now.Table, c)), $"{step}: {now.Table}.{c} is new; document the value old rows get in {nameof(AddedColumns)}"));
            for (var i = 0; i < old.Rows.Count; i++)
            {
                foreach (var column in old.Columns)
                {
                    Assert.True(
                        string.Equals(old.Rows[i][column], now.Rows[i][column], StringComparison.Ordinal),
                        $"{step}: {old.Table} row {i + 1}, {column}: was {Show(old.Rows[i][column])}, now {Show(now.Rows[i][column])}");
                }

                foreach (var column in added)
                {
                    Assert.True(
                        string.Equals(AddedColumns[(now.Table, column)], now.Rows[i][column], StringComparison.Ordinal),
                        $"{step}: {now.Table} row {i + 1}, new column {column}: {Show(now.Rows[i][column])}, documented {Show(AddedColumns[(now.Table, column)])}");
                }
            }
        }
    }

    /// <summary>A value for a failure message: long ones are cut (a traceback would bury the message).</summary>
    private static string Show(string? value) => value switch
    {
        null => "NULL",
        { Length: > 120 } => $"«{value[..120]}…» ({value.Length} characters)",
        _ => $"«{value}»",
    };

    [Fact]
    public async Task The_apps_upgrade_of_a_database_of_issue_13s_day_applies_every_later_migration_and_keeps_every_row_and_value()
    {
        var later = LaterMigrations();
        Assert.NotEmpty(later);
        var db = await DatabaseAtBaselineAsync("ap_upgrade");
        var before = await SnapshotAsync(db);
        Assert.Equal([7, 7, 3], before.Select(t => t.Rows.Count));

        // The app's own path: what start-up (MigrateOnStart) and the migrate command run.
        await using (var context = Context(db))
        {
            Assert.Equal(later, await DatabaseInitializer.InitializeAsync(context, migrate: true, Ct));
        }

        var after = await SnapshotAsync(db);
        AssertKept(before, after, "upgrade to the latest");
        // The studio's own column keeps its index.
        Assert.Equal("studio_priority", await Sql.ScalarAsync<string>(db, $"SELECT indexname::text FROM pg_indexes WHERE schemaname = '{Schema}' AND indexdef LIKE '%(priority)%'"));

        // The app reads every row as before: its read model (API, job pages, jobs check) with the samples...
        var queries = new JobQueries(new Contexts(db));
        var completed = await queries.GetStoredAsync(1, Ct);
        Assert.NotNull(completed);
        Assert.Equal(
            ("Episode 12, opening, cut 4 (レイアウト)", JobKind.Video, JobStatus.Completed, 100.0, 96, JobSource.AnimeProgress, "6f1c1f6e-3a8e-4a57-9a55-2b7f0c9d1e42", 1L),
            (completed.Job.Title, completed.Job.Kind, completed.Job.Status, completed.Job.Percent, completed.Job.FramesDone, completed.Job.Source, completed.Job.PromptId, completed.Job.Version));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 22, 14, 3, TimeSpan.Zero).AddTicks(1_234_560), completed.Job.CreatedAt);
        Assert.Equal(["Initializing", "Rendering", "Post-processing", "Completed"], completed.Samples.Select(s => s.Stage));
        var running = (await queries.GetStoredAsync(2, Ct))!.Job;
        Assert.Equal((500, JobStatus.Running, Stage.PostProcessing, true, RateTrend.SlowingDown, "VAEDecode 🎞"), (running.Title.Length, running.Status, running.Stage, running.Stalled, running.RateTrend, running.CurrentNodeType));
        Assert.Equal((LongTitle, LongError), (running.Title, (await queries.GetStoredAsync(4, Ct))!.Job.Error));
        var outside = (await queries.GetStoredAsync(6, Ct))!.Job;
        Assert.Equal(("Studio compositing pass", JobStatus.Running, 12.5, JobSource.Database, 1L), (outside.Title, outside.Status, outside.Percent, outside.Source, outside.Version));
        var unknown = (await queries.GetStoredAsync(7, Ct))!.Job;
        Assert.Equal((JobStatus.Failed, "Unknown status 'on_hold' in the database"), (unknown.Status, unknown.Error));
        Assert.Equal(7, (await queries.ListAsync(JobFilter.None, 0, 50, Ct)).Total);

        // ...what a node starts from (active jobs, versions past anything published before)...
        var startedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using (var context = Context(db))
        {
            var (recent, maxId) = await RecentJobs.LoadAsync(context, new InputLimits(), TimeProvider.System, Ct);
            Assert.Equal(7, maxId);
            // Every job without an outcome time is active to the app (the finished ones may be older than its day).
            Assert.All((long[])[2, 3, 6, 7], id => Assert.Contains(id, recent.Select(j => j.Id)));
            Assert.All(recent, j => Assert.True(j.Version >= startedAt, $"job {j.Id} restored with version {j.Version}"));

            // ...and the shared instance states, an old app's row without most fields included.
            var instances = await context.ComfyUiInstances.AsNoTracking().OrderBy(i => i.Name).ToListAsync(Ct);
            var states = instances.Select(InstanceStatusStore.Read).ToList();
            Assert.Equal(["gpu-1", "old-box", "render-farm-07"], states.Select(s => s?.Name));
            Assert.Equal((true, 2, "cuda", "b7e8d0a2-7f55-4d8e-9d1e-0c1f2a3b4c5d"), (states[0]!.Online, states[0]!.QueueRemaining, states[0]!.Devices.Single().Type, states[0]!.RunningPromptId));
            Assert.Equal((false, "Connection refused (render-farm-07:8188)"), (states[2]!.Online, states[2]!.LastError));
        }

        // The app writes an old row's next state: every column of the model is there, and the studio's own column is left alone.
        await JobRowWriter.WriteAsync(new Contexts(db), [JobWrite.Upsert(running with { Percent = 40, Version = 2 })], Ct);
        Assert.Equal("(40,5,2)", await Sql.ScalarAsync<string>(db, $"SELECT (progress, priority, version)::text FROM {Schema}.production_jobs WHERE id = 2"));

        // The id sequence goes on above every row, for another program's insert and for the app's own reservation.
        var inserted = await Sql.ScalarAsync<long>(db, $"INSERT INTO {Schema}.production_jobs (title, status) VALUES ('Inserted after the upgrade', 'queued') RETURNING id");
        Assert.True(inserted > 7, $"new id {inserted}");
        Assert.Equal(0L, await Sql.ScalarAsync<long>(db, $"SELECT version FROM {Schema}.production_jobs WHERE id = {inserted}"));
        var reserved = await new PostgresJobIds(new Contexts(db), NullLogger<PostgresJobIds>.Instance).NextAsync(Ct);
        Assert.True(reserved > inserted, $"reserved id {reserved}, inserted {inserted}");

        await AssertNotifyTriggersFireAsync(db);
    }

    /// <summary>An update and a delete of old rows, and a change of an instance, each reach a listener on the one channel.</summary>
    private static async Task AssertNotifyTriggersFireAsync(string db)
    {
        await using var listen = new NpgsqlConnection(db);
        await listen.OpenAsync(Ct);
        var payloads = new List<JsonElement>();
        listen.Notification += (_, e) => payloads.Add(JsonDocument.Parse(e.Payload).RootElement.Clone());
        await using (var command = new NpgsqlCommand($"LISTEN {PostgresNotifications.Channel}", listen))
        {
            await command.ExecuteNonQueryAsync(Ct);
        }

        await Sql.ExecuteAsync(db, $"UPDATE {Schema}.production_jobs SET progress = 13 WHERE id = 6");
        await Sql.ExecuteAsync(db, $"DELETE FROM {Schema}.production_jobs WHERE id = 5");
        await Sql.ExecuteAsync(db, $"UPDATE {Schema}.comfyui_instances SET updated_at = now() WHERE name = 'gpu-1'");
        var waitingSince = TimeProvider.System.GetTimestamp();
        while (payloads.Count < 3)
        {
            Assert.True(TimeProvider.System.GetElapsedTime(waitingSince) < TimeSpan.FromSeconds(30), $"{payloads.Count} of 3 notifications");
            await listen.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        }

        Assert.Equal(("production_jobs", 6L, 13.0), (payloads[0].GetProperty("table").GetString(), payloads[0].GetProperty("id").GetInt64(), payloads[0].GetProperty("progress").GetDouble()));
        Assert.Equal(("production_jobs", "delete", 5L), (payloads[1].GetProperty("table").GetString(), payloads[1].GetProperty("op").GetString(), payloads[1].GetProperty("id").GetInt64()));
        Assert.Equal(("comfyui_instances", "gpu-1"), (payloads[2].GetProperty("table").GetString(), payloads[2].GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Each_later_migration_in_turn_keeps_every_row_and_value_and_changes_nothing_when_run_again()
    {
        var later = LaterMigrations();
        Assert.NotEmpty(later);
        var db = await DatabaseAtBaselineAsync("ap_upgrade_steps");
        var before = await SnapshotAsync(db);
        await using var context = Context(db);
        var migrator = context.GetService<IMigrator>();

        foreach (var migration in later)
        {
            await migrator.MigrateAsync(migration, Ct);
            Assert.Equal(migration, await Sql.ScalarAsync<string>(db, $"SELECT max(\"MigrationId\")::text FROM {Schema}.\"__EFMigrationsHistory\""));
            var after = await SnapshotAsync(db);
            AssertKept(before, after, migration);

            // Migrations are written to run over their own result (a history row lost with a restored backup): again, nothing changes.
            await Sql.ExecuteAsync(db, $"DELETE FROM {Schema}.\"__EFMigrationsHistory\" WHERE \"MigrationId\" = '{migration}'");
            await migrator.MigrateAsync(migration, Ct);
            AssertKept(after, await SnapshotAsync(db), $"{migration} run again");
            before = after;
        }
    }
}
