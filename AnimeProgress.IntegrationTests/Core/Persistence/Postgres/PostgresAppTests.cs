using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence.Postgres;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.TestSupport.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AnimeProgress.IntegrationTests.Core.Persistence.Postgres;

/// <summary>The app against a real PostgreSQL: schema, writes, bad rows, and rows from another program via LISTEN.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAppTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AppHost StartApp(string connectionString, bool demo = true, string schema = "anime_api") => AppHost.Start(new Dictionary<string, string?>
    {
        ["AnimeProgress:Database:Schema"] = schema,
        ["AnimeProgress:Database:Provider"] = "Postgres",
        ["ConnectionStrings:AnimeProduction"] = connectionString,
        ["AnimeProgress:Demo:Enabled"] = demo ? "true" : "false",
        ["AnimeProgress:Demo:TimeScale"] = "0.1",
        ["AnimeProgress:Demo:SubmitInterval"] = "00:00:01",
        ["AnimeProgress:Demo:FailureRate"] = "0",
        ["AnimeProgress:Database:FlushInterval"] = "00:00:00.2",
    });

    private static string InsertSql(long id, string title, string status, string progress, string stage = "NULL", string frames = "NULL") => $"""
        INSERT INTO anime_api.production_jobs
          (id, title, kind, status, current_stage, progress, frames_complete, estimated_total_frames, frames_estimated, created_at, updated_at)
        VALUES ({id}, '{title}', 'video', '{status}', {stage}, {progress}, {frames}, NULL, false, now(), now())
        """;

    [Fact]
    public async Task Demo_jobs_are_written_into_anime_api_production_jobs_with_the_notify_trigger()
    {
        var db = await postgres.CreateDatabaseAsync("ap_writes", Ct);
        await using (var app = StartApp(db))
        {
            await Eventually.True(() => app.Hub.Jobs.Any(j => j.Status == JobStatus.Completed), TimeSpan.FromSeconds(60), "a completed demo job");
            var completed = app.Hub.Jobs.First(j => j.Status == JobStatus.Completed).Id;
            await Eventually.True(
                () => Sql.ScalarAsync<string>(db, $"SELECT status FROM anime_api.production_jobs WHERE id = {completed}").GetAwaiter().GetResult() == "completed",
                TimeSpan.FromSeconds(30), "the completed job's row");
        }

        Assert.Equal("anime_api", await Sql.ScalarAsync<string>(db, "SELECT table_schema::text FROM information_schema.tables WHERE table_name = 'production_jobs'"));
        Assert.Equal("anime_api", await Sql.ScalarAsync<string>(db, "SELECT table_schema::text FROM information_schema.tables WHERE table_name = 'progress_history'"));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM pg_trigger WHERE tgname = 'production_jobs_notify' AND tgrelid = 'anime_api.production_jobs'::regclass"));
        Assert.True(await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM anime_api.production_jobs") > 0);

        // A second start on the same database keeps the rows (the schema is prepared again, not recreated).
        var before = await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM anime_api.production_jobs");
        await using (var again = StartApp(db, demo: false))
        {
            Assert.True(await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM anime_api.production_jobs") >= before);
            Assert.Contains(again.Hub.Jobs, j => j.Status == JobStatus.Completed);
        }
    }

    [Fact]
    public async Task Existing_tables_elsewhere_do_not_stop_production_jobs_being_created_in_the_schema()
    {
        // EnsureCreated does nothing in a database that has any table; the studio's database has many.
        var db = await postgres.CreateDatabaseAsync("ap_other", Ct);
        await Sql.ExecuteAsync(db, "CREATE TABLE public.studio_assets (id bigint PRIMARY KEY)");
        await using var app = StartApp(db, demo: false);

        Assert.Equal(0L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM anime_api.production_jobs"));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM pg_trigger WHERE tgname = 'production_jobs_notify'"));
        await Sql.ExecuteAsync(db, InsertSql(42, "Cut 42", "running", "12.5"));
        var job = await Eventually.Get(() => app.Hub.Find(42), TimeSpan.FromSeconds(10), "row 42 in the hub");
        Assert.Equal(12.5, job.Percent);
    }

    [Fact]
    public async Task The_configured_schema_is_used_and_each_schema_gets_its_own_model()
    {
        var db = await postgres.CreateDatabaseAsync("ap_schema", Ct);
        await using (var first = StartApp(db, demo: false))
        {
        }

        // Same process, another schema: the cached model of anime_api must not be reused.
        await using var app = StartApp(db, demo: false, schema: "studio_b");
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'studio_b' AND table_name = 'production_jobs'"));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'studio_b' AND table_name = 'progress_history'"));
        var listener = app.Services.GetRequiredService<PostgresJobListener>();
        await Eventually.True(() => listener.Listening, TimeSpan.FromSeconds(10), "the LISTEN connection");

        // A change in the other schema is not this app's; a change in its own is.
        await Sql.ExecuteAsync(db, "INSERT INTO anime_api.production_jobs (id, title, kind, status, progress, frames_estimated, created_at, updated_at) VALUES (5, 'Other schema', 'image', 'running', 10, false, now(), now())");
        await Sql.ExecuteAsync(db, "INSERT INTO studio_b.production_jobs (id, title, kind, status, progress, frames_estimated, created_at, updated_at) VALUES (6, 'Own schema', 'image', 'running', 20, false, now(), now())");
        var own = await Eventually.Get(() => app.Hub.Find(6), TimeSpan.FromSeconds(10), "row 6 of studio_b");
        Assert.Equal("Own schema", own.Title);
        Assert.Null(app.Hub.Find(5));
        Assert.True(listener.Received >= 2);
    }

    [Fact]
    public async Task Bad_rows_written_by_sql_are_shown_safely()
    {
        var db = await postgres.CreateDatabaseAsync("ap_bad", Ct);
        // The first start creates the schema; the bad rows go in while it is down, and more while it runs.
        await using (StartApp(db, demo: false))
        {
        }

        await Sql.ExecuteAsync(db, InsertSql(900_001, "Too far", "running", "250"));
        await Sql.ExecuteAsync(db, InsertSql(900_002, "", "exploded", "-5", stage: "'Warp drive'"));
        await Sql.ExecuteAsync(db, InsertSql(900_003, "Not a number", "running", "'NaN'::float8", frames: "-3"));
        await using var app = StartApp(db);
        var listener = app.Services.GetRequiredService<PostgresJobListener>();
        await Eventually.True(() => listener.Listening, TimeSpan.FromSeconds(10), "the LISTEN connection");
        await Sql.ExecuteAsync(db, InsertSql(899_999, "Live and bad", "teleporting", "'Infinity'::float8", stage: "NULL", frames: "NULL"));

        var tooFar = await Eventually.Get(() => app.Hub.Find(900_001), what: "row 900001");
        Assert.Equal(100, tooFar.Percent);
        var unknown = await Eventually.Get(() => app.Hub.Find(900_002), what: "row 900002");
        Assert.Equal(JobStatus.Failed, unknown.Status);
        Assert.Equal(0, unknown.Percent);
        Assert.Equal("Job 900002", unknown.Title);
        Assert.Contains("exploded", unknown.Error, StringComparison.Ordinal);
        var nan = await Eventually.Get(() => app.Hub.Find(900_003), what: "row 900003");
        Assert.Equal(0, nan.Percent);
        Assert.Null(nan.FramesDone);
        var live = await Eventually.Get(() => app.Hub.Find(899_999), TimeSpan.FromSeconds(10), "row 899999 through LISTEN");
        Assert.Equal(JobSource.Database, live.Source);
        Assert.Equal(JobStatus.Failed, live.Status);
        Assert.Equal(0, live.Percent);

        // Shown, never written back: the store flushes every 0.2 s here; after ten of those the row is still the other program's.
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.Equal("teleporting", await Sql.ScalarAsync<string>(db, "SELECT status FROM anime_api.production_jobs WHERE id = 899999"));

        // The pages and the API serve them rather than failing.
        using var http = app.CreateClient();
        foreach (var path in (string[])["/", "/api/jobs", "/api/jobs/900002", "/api/jobs/900003", "/jobs/900002"])
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative), Ct);
            Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task A_row_another_program_inserts_or_updates_reaches_the_hub_through_listen_also_after_the_connection_drops()
    {
        var db = await postgres.CreateDatabaseAsync("ap_listen", Ct);
        await using var app = StartApp(db);
        var listener = app.Services.GetRequiredService<PostgresJobListener>();
        await Eventually.True(() => listener.Listening, TimeSpan.FromSeconds(10), "the LISTEN connection");
        Assert.Equal(1, listener.Connections);

        await Sql.ExecuteAsync(db, InsertSql(700_001, "Storyboard 7", "running", "33.5", stage: "'Rendering'", frames: "40"));
        var job = await Eventually.Get(() => app.Hub.Find(700_001), TimeSpan.FromSeconds(10), "row 700001 in the hub");
        Assert.Equal(JobSource.Database, job.Source);
        Assert.Equal("Storyboard 7", job.Title);
        Assert.Equal(33.5, job.Percent);
        Assert.Equal(Stage.Rendering, job.Stage);
        Assert.True(listener.Published >= 1);

        await Sql.ExecuteAsync(db, "UPDATE anime_api.production_jobs SET progress = 80, updated_at = now() WHERE id = 700001");
        await Eventually.True(() => app.Hub.Find(700_001)?.Percent == 80, TimeSpan.FromSeconds(10), "the update in the hub");

        // The database drops the LISTEN connection (as in a restart): the listener reconnects and keeps going.
        await Sql.ExecuteAsync(db, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{PostgresJobListener.ApplicationName}'");
        await Eventually.True(() => listener.Connections >= 2 && listener.Listening, TimeSpan.FromSeconds(40), "the listener reconnecting");
        await Sql.ExecuteAsync(db, "UPDATE anime_api.production_jobs SET status = 'completed', progress = 100, updated_at = now(), completed_at = now() WHERE id = 700001");
        var done = await Eventually.Get(() => app.Hub.Find(700_001) is { Status: JobStatus.Completed } j ? j : null, TimeSpan.FromSeconds(10), "completion after reconnect");
        Assert.Equal(100, done.Percent);
        Assert.Equal(JobSource.Database, done.Source);
    }
}
