using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Core.Jobs;
using AnimeProgress.IntegrationTests.Core.Persistence.Postgres;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.TestSupport.Postgres;

namespace AnimeProgress.IntegrationTests.Web.Edge;

/// <summary>
/// Issue 13 item 10: with no ComfyUI instance configured and the demo switch unset, the demo starts by itself on
/// SQLite (a desk's try-out) and never on PostgreSQL, where its jobs would land in the studio's production table; the
/// app says so at start and on /readyz instead. (With the switch on, the demo runs on PostgreSQL too: PostgresAppTests.)
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DemoStartTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task On_sqlite_without_instances_the_demo_starts_by_itself_and_runs_jobs()
    {
        await using var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AnimeProgress:Demo:TimeScale"] = "0.25",
            ["AnimeProgress:Demo:SubmitInterval"] = "00:00:01",
        });

        await Eventually.True(() => app.Hub.Instances.Select(i => i.Name).Order().SequenceEqual(["demo-gpu-1", "demo-gpu-2"]), what: "the demo's two machines");
        await Eventually.True(() => app.Hub.Jobs.Any(j => j.Status == JobStatus.Running), TimeSpan.FromSeconds(60), "a demo job running");
        using var http = app.CreateClient();
        var jobs = await http.GetFromJsonAsync<JsonObject>("/api/jobs", Ct);
        Assert.NotEmpty(jobs!["jobs"]!.AsArray());
    }

    [Fact]
    public async Task On_postgres_without_instances_no_demo_job_is_written_and_the_app_says_why()
    {
        var db = await postgres.CreateDatabaseAsync("ap_nodemo", Ct);
        // A production start, as the studio runs it: the demo would submit a job every second and flush it at once.
        await using var app = await EdgeClients.StartProductionAsync(new Dictionary<string, string>
        {
            ["AnimeProgress:Database:Provider"] = "Postgres",
            ["ConnectionStrings:AnimeProduction"] = db,
            ["AnimeProgress:Database:FlushInterval"] = "00:00:00.2",
            ["AnimeProgress:Demo:TimeScale"] = "0.25",
            ["AnimeProgress:Demo:SubmitInterval"] = "00:00:01",
        });
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        // The demo's machines would be listed from the start, and its first jobs written within a few seconds.
        Assert.Empty((await http.GetFromJsonAsync<JsonObject>("/api/instances", Ct))!["instances"]!.AsArray());
        using (var ready = await http.GetAsync("/readyz", Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("No ComfyUI instance is configured.", await ready.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        await Eventually.True(
            () => app.Output.Contains("No ComfyUI instance is configured and the demo is off (PostgreSQL): nothing will be tracked.", StringComparison.Ordinal),
            what: "the start-up warning");
        await Task.Delay(TimeSpan.FromSeconds(5), Ct);
        Assert.Empty((await http.GetFromJsonAsync<JsonObject>("/api/instances", Ct))!["instances"]!.AsArray());
        Assert.Equal(0L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM anime_api.production_jobs"));
        Assert.Equal(0, (await http.GetFromJsonAsync<JsonObject>("/api/jobs", Ct))!["total"]!.GetValue<int>());
        Assert.False(app.HasExited, app.Output);
    }
}
