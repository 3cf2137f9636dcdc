using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Postgres;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.TestSupport.Postgres;
using AnimeProgress.Web.Demo;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AnimeProgress.IntegrationTests.Core.Persistence.Postgres;

/// <summary>
/// PostgreSQL goes away while a job runs: the dashboard keeps updating from ComfyUI, readiness names the
/// outage, the outcome waits in memory, and when the server is back everything reconnects and is written.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresOutageTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_database_restart_loses_nothing_and_the_live_view_never_stops()
    {
        Assert.SkipUnless(postgres.CanRestart, $"{PostgresFixture.EnvironmentVariable} names an external server, which the tests must not restart.");
        await using var gpu = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 1.0 }, Ct);
        var db = await postgres.CreateDatabaseAsync("ap_outage", Ct);
        await using var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Database:Provider"] = "Postgres",
            ["ConnectionStrings:AnimeProduction"] = db,
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = gpu.BaseUrl.ToString(),
        });
        var gate = app.Services.GetRequiredService<IngestionGate>();
        var listener = app.Services.GetRequiredService<PostgresJobListener>();
        var store = app.Services.GetRequiredService<JobStore>();
        await Eventually.True(() => gate.IsLeader && listener.Listening && app.Hub.Instances.Any(i => i.Online), TimeSpan.FromSeconds(20), "leading, listening, GPU online");
        using var http = app.CreateClient();

        using (var submitted = await http.PostAsJsonAsync("api/jobs", new { title = "Through the outage", workflow = DemoWorkflows.Image("x", 60, 3).Workflow }, Ct))
        {
            submitted.EnsureSuccessStatusCode();
        }

        var id = app.Hub.Jobs.Single(j => j.Title == "Through the outage").Id;
        await Eventually.True(() => app.Hub.Find(id) is { Status: JobStatus.Running, Percent: > 0 }, TimeSpan.FromSeconds(20), "the job running");

        await postgres.StopAsync(Ct);
        try
        {
            // Live updates go on from ComfyUI while nothing can be written.
            var atStop = app.Hub.Find(id)!.Percent;
            await Eventually.True(() => app.Hub.Find(id)!.Percent >= atStop + 10, TimeSpan.FromSeconds(20), "progress moving during the outage");
            await Eventually.True(() => store.LastError is not null && store.PendingWrites > 0, TimeSpan.FromSeconds(10), "writes held in memory");
            using (var ready = await http.GetAsync("readyz", Ct))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                var report = await ready.Content.ReadFromJsonAsync<JsonObject>(Ct);
                Assert.Equal("Unhealthy", report!["checks"]!["database"]!["status"]!.GetValue<string>());
            }

            await Eventually.True(() => app.Hub.Find(id)!.Status == JobStatus.Completed, TimeSpan.FromSeconds(30), "the job completing during the outage");
            Assert.True(gate.IsLeader, "the node kept ingesting through the outage");
        }
        finally
        {
            await postgres.StartAsync(Ct);
        }

        // Back: the held outcome is written, LISTEN is re-established, readiness recovers.
        await Eventually.True(() => Sql.StatusOf(db, id) == "completed", TimeSpan.FromSeconds(20), "the outcome written after the restart");
        await Eventually.True(() => listener.Listening && listener.Connections >= 2, TimeSpan.FromSeconds(30), "LISTEN re-established");
        await Eventually.True(() => http.GetAsync("readyz", Ct).GetAwaiter().GetResult().StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(20), "ready again");
        Assert.True(gate.IsLeader);
        Assert.Null(store.LastError);

        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync(Ct);
            await using var insert = new NpgsqlCommand("INSERT INTO anime_api.production_jobs (title, status, progress) VALUES ('After the restart', 'processing', 42)", connection);
            await insert.ExecuteNonQueryAsync(Ct);
        }

        var after = await Eventually.Get(() => app.Hub.Jobs.FirstOrDefault(j => j.Title == "After the restart"), TimeSpan.FromSeconds(10), "a row inserted after the restart");
        Assert.Equal((42.0, JobSource.Database), (after.Percent, after.Source));
    }

}
