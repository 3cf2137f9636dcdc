using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Postgres;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.TestSupport.Postgres;
using AnimeProgress.Web.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AnimeProgress.IntegrationTests.Core.Persistence.Postgres;

/// <summary>
/// The database as the shared truth: ids that never collide with other writers, catch-up after a lost
/// notification, and rows that name a ComfyUI prompt tied to what the fleet sees.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresClusterTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AppHost StartApp(string db, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AnimeProgress:Database:Provider"] = "Postgres",
            ["ConnectionStrings:AnimeProduction"] = db,
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Database:FlushInterval"] = "00:00:00.2",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return AppHost.Start(settings);
    }

    private sealed class Contexts(string db) : IDbContextFactory<AnimeProgressDbContext>
    {
        public AnimeProgressDbContext CreateDbContext() =>
            new(PostgresModel.UseSchema(new DbContextOptionsBuilder<AnimeProgressDbContext>(), db, "anime_api").Options as DbContextOptions<AnimeProgressDbContext>
                ?? throw new InvalidOperationException());
    }

    [Fact]
    public async Task Ids_from_two_nodes_and_from_plain_inserts_never_collide()
    {
        var db = await postgres.CreateDatabaseAsync("ap_ids", Ct);
        await using (StartApp(db))
        {
        }

        await Sql.ExecuteAsync(db, "INSERT INTO anime_api.production_jobs (id, title, status, progress) VALUES (500, 'Old row', 'completed', 100)");
        await Sql.ExecuteAsync(db, $"SELECT setval(pg_get_serial_sequence('anime_api.production_jobs', 'id'), 500)");
        var nodeA = new PostgresJobIds(new Contexts(db), NullLogger<PostgresJobIds>.Instance);
        var nodeB = new PostgresJobIds(new Contexts(db), NullLogger<PostgresJobIds>.Instance);
        var ids = new List<long>();
        for (var i = 0; i < 300; i++)
        {
            ids.Add(await nodeA.NextAsync(Ct));
            ids.Add(await nodeB.NextAsync(Ct));
            if (i % 50 == 0)
            {
                await Sql.ExecuteAsync(db, $"INSERT INTO anime_api.production_jobs (title, status, progress) VALUES ('Studio API {i}', 'queued', 0)");
            }
        }

        var inserted = await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM anime_api.production_jobs WHERE title LIKE 'Studio API %'");
        Assert.Equal(6, inserted);
        var studioIds = new List<long>();
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync(Ct);
            await using var read = new NpgsqlCommand("SELECT id FROM anime_api.production_jobs WHERE title LIKE 'Studio API %'", connection);
            await using var reader = await read.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                studioIds.Add(reader.GetInt64(0));
            }
        }

        Assert.Equal(ids.Count + studioIds.Count, ids.Concat(studioIds).Distinct().Count());
        Assert.All(ids, id => Assert.True(id > 500, $"id {id} repeats an existing row's"));
    }

    [Fact]
    public async Task Ids_awaited_from_two_nodes_come_from_the_sequence_and_never_collide()
    {
        var db = await postgres.CreateDatabaseAsync("ap_ids_async", Ct);
        await using (StartApp(db))
        {
        }

        await Sql.ExecuteAsync(db, "SELECT setval(pg_get_serial_sequence('anime_api.production_jobs', 'id'), 700)");
        var nodeA = new PostgresJobIds(new Contexts(db), NullLogger<PostgresJobIds>.Instance);
        var nodeB = new PostgresJobIds(new Contexts(db), NullLogger<PostgresJobIds>.Instance);
        var ids = new List<long>();
        // More than one block each: the reserve is spent and refilled while the ids are awaited.
        for (var i = 0; i < 450; i++)
        {
            ids.Add(await nodeA.NextAsync(Ct));
            ids.Add(await nodeB.NextAsync(Ct));
        }

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(id > 700, $"id {id} was not reserved from the sequence"));
    }

    [Fact]
    public async Task Ids_counted_on_during_an_outage_are_never_handed_out_again_by_the_sequence()
    {
        Assert.SkipUnless(postgres.CanRestart, $"{PostgresFixture.EnvironmentVariable} names an external server, which the tests must not restart.");
        var db = await postgres.CreateDatabaseAsync("ap_ids_outage", Ct);
        await using (StartApp(db))
        {
        }

        var ids = new PostgresJobIds(new Contexts(db), NullLogger<PostgresJobIds>.Instance);
        var before = await ids.NextAsync(Ct);
        var duringOutage = new List<long>();
        await postgres.StopAsync(Ct);
        try
        {
            // More than the reserve holds: the rest are counted on from the highest id seen.
            for (var i = 0; i < 250; i++)
            {
                duringOutage.Add(await ids.NextAsync(Ct));
            }
        }
        finally
        {
            await postgres.StartAsync(Ct);
        }

        // Pooled connections died with the server; this test's own SQL should not trip over them.
        NpgsqlConnection.ClearAllPools();
        Assert.Equal(duringOutage.Count, duringOutage.Distinct().Count());
        Assert.All(duringOutage, id => Assert.True(id > before));
        // Once the database answers again (after the allocator's retry pause), its next reservation moves the sequence past them.
        await Eventually.True(
            () => ids.NextAsync(Ct).AsTask().GetAwaiter().GetResult() > 0 && Sql.ScalarAsync<long>(db, "SELECT pg_sequence_last_value(pg_get_serial_sequence('anime_api.production_jobs', 'id'))").GetAwaiter().GetResult() >= duringOutage.Max(),
            TimeSpan.FromSeconds(30),
            "the sequence moved past the outage's ids");
        await Sql.ExecuteAsync(db, "INSERT INTO anime_api.production_jobs (title, status, progress) VALUES ('Studio API after outage', 'queued', 0)");
        var inserted = await Sql.ScalarAsync<long>(db, "SELECT id FROM anime_api.production_jobs WHERE title = 'Studio API after outage'");
        Assert.DoesNotContain(inserted, duringOutage);
        Assert.True(inserted > duringOutage.Max());
    }

    [Fact]
    public async Task A_follower_shows_rows_and_keeps_only_as_many_finished_jobs_as_the_leader_would()
    {
        var db = await postgres.CreateDatabaseAsync("ap_follower", Ct);
        await using (StartApp(db))
        {
        }

        // This test holds the ingestion lock, so the app only follows. Unpooled: a pooled connection would go back
        // to the pool still holding the session lock, and later tests would see a leader that is not there.
        await using var lockHolder = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db) { Pooling = false }.ConnectionString);
        await lockHolder.OpenAsync(Ct);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext('animeprogress-ingest:anime_api'))", lockHolder))
        {
            await take.ExecuteNonQueryAsync(Ct);
        }

        await using var app = StartApp(db, new Dictionary<string, string?>
        {
            ["AnimeProgress:Database:ReconcileInterval"] = "00:00:01",
            ["AnimeProgress:Tracking:MaxFinishedRetained"] = "2",
        });
        var listener = app.Services.GetRequiredService<PostgresJobListener>();
        await Eventually.True(() => listener.Listening, TimeSpan.FromSeconds(10), "the LISTEN connection");
        Assert.False(app.Services.GetRequiredService<AnimeProgress.Core.Cluster.IngestionGate>().IsLeader);

        for (var i = 1; i <= 5; i++)
        {
            await Sql.ExecuteAsync(db, $"INSERT INTO anime_api.production_jobs (id, title, status, progress, completed_at) VALUES ({830_000 + i}, 'Done {i}', 'completed', 100, now() - interval '{10 - i} minutes')");
        }

        await Sql.ExecuteAsync(db, "INSERT INTO anime_api.production_jobs (id, title, status, progress) VALUES (830100, 'Still running', 'processing', 40)");
        await Eventually.True(() => app.Hub.Find(830_100) is not null, TimeSpan.FromSeconds(10), "the running row");
        await Eventually.True(() => app.Hub.Jobs.Count(j => j.IsTerminal) == 2, TimeSpan.FromSeconds(10), "only the two newest finished jobs kept");
        Assert.Equal([830_004L, 830_005L], app.Hub.Jobs.Where(j => j.IsTerminal).Select(j => j.Id).Order());
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.Null(await Sql.ScalarAsync<string>(db, "SELECT status FROM anime_api.production_jobs WHERE id = 830100 AND status <> 'processing'"));
    }

    [Fact]
    public async Task A_change_whose_notification_was_lost_is_read_after_the_listener_reconnects_and_by_the_periodic_reconcile()
    {
        var db = await postgres.CreateDatabaseAsync("ap_catchup", Ct);
        await using var app = StartApp(db, new Dictionary<string, string?> { ["AnimeProgress:Database:ReconcileInterval"] = "00:00:02" });
        var listener = app.Services.GetRequiredService<PostgresJobListener>();
        await Eventually.True(() => listener.Listening, TimeSpan.FromSeconds(10), "the LISTEN connection");
        await Sql.ExecuteAsync(db, "INSERT INTO anime_api.production_jobs (id, title, status, progress, updated_at) VALUES (800001, 'Quiet cut', 'running', 10, now())");
        await Eventually.True(() => app.Hub.Find(800_001)?.Percent == 10, TimeSpan.FromSeconds(10), "the row through LISTEN");

        // No notification at all (as if it were lost): only a catch-up read can find the change.
        await Sql.ExecuteAsync(db, "ALTER TABLE anime_api.production_jobs DISABLE TRIGGER production_jobs_notify");
        var received = listener.Received;
        await Sql.ExecuteAsync(db, "UPDATE anime_api.production_jobs SET progress = 60, updated_at = now() WHERE id = 800001");
        await Eventually.True(() => app.Hub.Find(800_001)?.Percent == 60, TimeSpan.FromSeconds(10), "the change found by the periodic reconcile");
        Assert.Equal(received, listener.Received);

        // A catch-up also runs on every reconnect of the LISTEN connection.
        var catchUps = listener.CatchUps;
        await Sql.ExecuteAsync(db, "UPDATE anime_api.production_jobs SET progress = 70, updated_at = now() WHERE id = 800001");
        await Sql.ExecuteAsync(db, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{PostgresJobListener.ApplicationName}'");
        await Eventually.True(() => app.Hub.Find(800_001)?.Percent == 70 && listener.CatchUps > catchUps, TimeSpan.FromSeconds(20), "the change read after the reconnect");
    }

    [Fact]
    public async Task A_row_deleted_by_another_program_leaves_the_dashboards()
    {
        var db = await postgres.CreateDatabaseAsync("ap_delete", Ct);
        await using var app = StartApp(db);
        var listener = app.Services.GetRequiredService<PostgresJobListener>();
        await Eventually.True(() => listener.Listening, TimeSpan.FromSeconds(10), "the LISTEN connection");
        await Sql.ExecuteAsync(db, "INSERT INTO anime_api.production_jobs (id, title, status, progress) VALUES (820001, 'Scrapped cut', 'processing', 15)");
        await Eventually.True(() => app.Hub.Find(820_001) is not null, TimeSpan.FromSeconds(10), "the row shown");

        await Sql.ExecuteAsync(db, "DELETE FROM anime_api.production_jobs WHERE id = 820001");
        await Eventually.True(() => app.Hub.Find(820_001) is null, TimeSpan.FromSeconds(10), "the job gone after the delete");
    }

    [Fact]
    public async Task A_row_naming_a_prompt_is_the_job_the_fleet_sees_for_it_whichever_arrives_first()
    {
        await using var gpu = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 1.0 }, Ct);
        var db = await postgres.CreateDatabaseAsync("ap_adopt", Ct);
        await using var app = StartApp(db, new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = gpu.BaseUrl.ToString(),
        });
        await Eventually.True(() => app.Hub.Instances.Any(i => i.Online), TimeSpan.FromSeconds(20), "the GPU online");
        using var http = app.CreateClient();

        // The studio's API inserts its row first, then posts the prompt with its own client id.
        var first = Guid.NewGuid().ToString("D");
        await Sql.ExecuteAsync(db, $"INSERT INTO anime_api.production_jobs (id, title, status, progress, comfyui_job_id) VALUES (910001, 'Studio row first', 'queued', 0, '{first}')");
        await Eventually.True(() => app.Hub.Find(910_001) is not null, TimeSpan.FromSeconds(10), "the row shown");
        await PostAsync(http, gpu, first, steps: 12);

        // Another time it posts first and writes the row a moment later: the job was already discovered under an id of ours.
        var second = Guid.NewGuid().ToString("D");
        await PostAsync(http, gpu, second, steps: 12);
        await Eventually.True(() => app.Hub.Jobs.Any(j => j.PromptId == second), TimeSpan.FromSeconds(10), "the prompt discovered");
        var discoveredId = app.Hub.Jobs.Single(j => j.PromptId == second).Id;
        await Eventually.True(() => Sql.ScalarAsync<long>(db, $"SELECT count(*) FROM anime_api.production_jobs WHERE id = {discoveredId}").GetAwaiter().GetResult() == 1, TimeSpan.FromSeconds(10), "the discovered job's row");
        await Sql.ExecuteAsync(db, $"INSERT INTO anime_api.production_jobs (id, title, status, progress, comfyui_job_id) VALUES (910002, 'Studio row second', 'queued', 0, '{second}')");

        foreach (var (id, prompt, title) in new[] { (910_001L, first, "Studio row first"), (910_002L, second, "Studio row second") })
        {
            var done = await Eventually.Get(() => app.Hub.Find(id) is { Status: JobStatus.Completed } j ? j : null, TimeSpan.FromSeconds(40), $"job {id} completed");
            Assert.Equal((title, prompt, "gpu", JobSource.External), (done.Title, done.PromptId, done.Instance, done.Source));
            Assert.Single(app.Hub.Jobs, j => j.PromptId == prompt);
            await Eventually.True(() => Sql.ScalarAsync<string>(db, $"SELECT status FROM anime_api.production_jobs WHERE id = {id}").GetAwaiter().GetResult() == "completed", TimeSpan.FromSeconds(10), $"row {id} completed");
            Assert.Equal(1L, await Sql.ScalarAsync<long>(db, $"SELECT count(*) FROM anime_api.production_jobs WHERE comfyui_job_id = '{prompt}'"));
        }

        Assert.Null(app.Hub.Find(discoveredId));
    }

    private static async Task PostAsync(HttpClient http, ComfyUiEmulatorServer gpu, string promptId, int steps)
    {
        var body = new JsonObject
        {
            ["prompt"] = DemoWorkflows.Image("studio", steps, seed: Random.Shared.Next()).Workflow,
            ["client_id"] = "studio-api",
            ["prompt_id"] = promptId,
        };
        using var response = await http.PostAsJsonAsync(new Uri(gpu.BaseUrl, "prompt"), body, Ct);
        response.EnsureSuccessStatusCode();
    }
}
