using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Jobs;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.TestSupport.Postgres;
using AnimeProgress.Web.Demo;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AnimeProgress.IntegrationTests.Core.Persistence.Postgres;

/// <summary>
/// Two web nodes on loopback against one throwaway PostgreSQL and one ComfyUI emulator: the first (its own
/// process) leads and ingests; the second (in this process) follows through LISTEN/NOTIFY; killing the leader
/// hands ingestion over without losing a terminal state.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TwoNodeTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ComfyUiEmulatorServer _gpu = null!;

    public async ValueTask InitializeAsync() =>
        _gpu = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 1.0 }, Ct);

    public async ValueTask DisposeAsync() => await _gpu.DisposeAsync();

    private Dictionary<string, string> NodeSettings(string db, string node) => new()
    {
        ["AnimeProgress__Database__Provider"] = "Postgres",
        ["ConnectionStrings__AnimeProduction"] = db,
        ["AnimeProgress__Demo__Enabled"] = "false",
        ["AnimeProgress__ComfyUi__Instances__0__Name"] = "gpu",
        ["AnimeProgress__ComfyUi__Instances__0__BaseUrl"] = _gpu.BaseUrl.ToString(),
        ["AnimeProgress__Cluster__NodeName"] = node,
        ["Serilog__MinimumLevel__Default"] = "Warning",
    };

    private static async Task<long> AdvisoryLocksHeldAsync(string db)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Ct);
        // pg_locks spans the whole server: count only this test's database, or a node an earlier test left
        // behind (still shutting down, or its pooled connection) makes the count wrong.
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            connection);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static async Task<long> SubmitAsync(HttpClient http, string title, int steps)
    {
        var request = DemoWorkflows.Image(title, steps, seed: Random.Shared.Next());
        using var response = await http.PostAsJsonAsync("api/jobs", new { title, kind = "image", workflow = request.Workflow }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
        return body!["id"]!.GetValue<long>();
    }

    private static async Task<string> ReadinessAsync(HttpClient http)
    {
        using var response = await http.GetAsync("readyz", Ct);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    [Fact]
    public async Task Progress_from_the_leader_shows_on_the_other_node_and_a_new_leader_finishes_the_job()
    {
        var db = await postgres.CreateDatabaseAsync("ap_two_nodes", Ct);
        await using var leader = await AppServerProcess.StartAsync(NodeSettings(db, "node-a"), Ct);
        await Eventually.True(() => AdvisoryLocksHeldAsync(db).GetAwaiter().GetResult() == 1, TimeSpan.FromSeconds(30), "node A holding the ingestion lock");

        var settings = NodeSettings(db, "node-b").ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => (string?)kv.Value);
        await using var follower = AppHost.Start(settings);
        var gate = follower.Services.GetRequiredService<IngestionGate>();
        Assert.False(gate.IsLeader);

        using var toLeader = new HttpClient { BaseAddress = leader.BaseAddress };
        using var toFollower = follower.CreateClient();
        var quick = await SubmitAsync(toLeader, "Two-node quick cut", steps: 4);
        var slow = await SubmitAsync(toLeader, "Two-node long cut", steps: 96);

        // The follower never touched ComfyUI: what it shows came through the database.
        await Eventually.True(() => follower.Hub.Find(quick)?.Status == JobStatus.Completed, TimeSpan.FromSeconds(30), "the quick job completed on the follower");
        await Eventually.True(() => follower.Hub.Find(slow) is { Status: JobStatus.Running, Percent: > 0 }, TimeSpan.FromSeconds(30), "the long job's progress on the follower");
        var seen = follower.Hub.Find(slow)!;
        Assert.Equal((JobSource.AnimeProgress, "gpu", "Two-node long cut"), (seen.Source, seen.Instance, seen.Title));
        await Eventually.True(() => follower.Hub.Find(slow)!.Percent > seen.Percent, TimeSpan.FromSeconds(15), "progress moving on the follower");
        // …and so is the leader's view of the ComfyUI machine (comfyui_instances).
        await Eventually.True(() => follower.Hub.Instances.Any(i => i is { Name: "gpu", Online: true, Devices.Count: > 0 }), TimeSpan.FromSeconds(10), "the GPU online on the follower");

        // The follower's own dashboard page shows it (prerendered HTML, as a browser first receives it).
        var page = await toFollower.GetStringAsync("/", Ct);
        Assert.Contains("Two-node long cut", page, StringComparison.Ordinal);

        // A job submitted on the follower goes into the fleet queue's table; the leader sends it (it waits on ComfyUI
        // behind the long job) and the follower shows it through the leader's rows, not through a tracker of its own.
        var fromFollower = await SubmitAsync(toFollower, "Submitted on the follower", steps: 2);
        await Eventually.True(() => follower.Hub.Find(fromFollower) is { Source: JobSource.AnimeProgress, Instance: "gpu" }, TimeSpan.FromSeconds(30), "the follower's job sent to the GPU by the leader");
        Assert.False(follower.Services.GetRequiredService<AnimeProgress.Core.Tracking.ProgressTracker>().IsFollowing(fromFollower));

        Assert.Contains("\"role\": \"follower\"", await ReadinessAsync(toFollower), StringComparison.Ordinal);

        leader.Kill();
        var killedAt = TimeProvider.System.GetTimestamp();
        await Eventually.True(() => gate.IsLeader, TimeSpan.FromSeconds(10), "node B taking over within 10 s");
        var takeover = TimeProvider.System.GetElapsedTime(killedAt);
        Assert.Contains("\"role\": \"leader\"", await ReadinessAsync(toFollower), StringComparison.Ordinal);

        // The new leader follows the running job from ComfyUI (its graph from /queue): progress keeps moving.
        var atTakeover = follower.Hub.Find(slow)!;
        Assert.Equal(JobStatus.Running, atTakeover.Status);
        await Eventually.True(() => follower.Hub.Find(slow) is { Status: JobStatus.Running } j && j.Percent >= atTakeover.Percent + 5, TimeSpan.FromSeconds(15), "progress moving under the new leader");

        await Eventually.True(() => follower.Hub.Find(slow)?.Status == JobStatus.Completed, TimeSpan.FromSeconds(40), "the long job completed under the new leader");
        await Eventually.True(() => Sql.StatusOf(db, slow) == "completed", TimeSpan.FromSeconds(10), "the outcome written by the new leader");
        Assert.Equal("completed", Sql.StatusOf(db, quick));
        Assert.Equal(JobStatus.Completed, follower.Hub.Find(quick)!.Status);
        Assert.Single(follower.Hub.Jobs, j => j.Title == "Two-node long cut");
        await Eventually.True(() => follower.Hub.Find(fromFollower)?.Status == JobStatus.Completed, TimeSpan.FromSeconds(30), "the follower's job completed under the new leader");
        Assert.Single(follower.Hub.Jobs, j => j.Title == "Submitted on the follower");
        TestContext.Current.TestOutputHelper?.WriteLine($"takeover after {takeover.TotalSeconds:F1} s");
    }
}
