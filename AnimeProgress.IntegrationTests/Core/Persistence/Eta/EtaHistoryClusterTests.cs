using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;
using AnimeProgress.IntegrationTests.Core.Persistence.Postgres;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.TestSupport.Postgres;
using AnimeProgress.Web.Demo;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AnimeProgress.IntegrationTests.Core.Persistence.Eta;

/// <summary>
/// Issue 20 item 4, "in a cluster every node learns the same": a leader (its own process) runs jobs of one workflow
/// through an emulated ComfyUI; the follower (in this process) holds the runs the leader wrote to eta_runs while the
/// leader still leads, and when it takes over, the first job it follows is estimated from them.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class EtaHistoryClusterTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const int Runs = 3;
    private const string Instance = "gpu";

    private ComfyUiEmulatorServer _gpu = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _gpu = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.05 }, Ct);

    public async ValueTask DisposeAsync() => await _gpu.DisposeAsync();

    private Dictionary<string, string> NodeSettings(string db, string node) => new()
    {
        ["AnimeProgress__Database__Provider"] = "Postgres",
        ["ConnectionStrings__AnimeProduction"] = db,
        ["AnimeProgress__Demo__Enabled"] = "false",
        ["AnimeProgress__ComfyUi__Instances__0__Name"] = Instance,
        ["AnimeProgress__ComfyUi__Instances__0__BaseUrl"] = _gpu.BaseUrl.ToString(),
        ["AnimeProgress__Cluster__NodeName"] = node,
        ["AnimeProgress__Cluster__LeaseCheckInterval"] = "00:00:00.5",
        ["AnimeProgress__Eta__FollowInterval"] = "00:00:01",
        ["Serilog__MinimumLevel__Default"] = "Warning",
    };

    [Fact]
    public async Task The_follower_holds_the_runs_the_leader_learned_and_estimates_with_them_when_it_takes_over()
    {
        var db = await postgres.CreateDatabaseAsync("ap_eta_cluster", Ct);
        await using var leader = await AppServerProcess.StartAsync(NodeSettings(db, "node-a"), Ct);
        using var toLeader = new HttpClient { BaseAddress = leader.BaseAddress };
        await Eventually.True(() => ReadyAsLeader(toLeader), TimeSpan.FromSeconds(30), "node A leading");

        var settings = NodeSettings(db, "node-b").ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => (string?)kv.Value);
        await using var follower = AppHost.Start(settings);
        var gate = follower.Services.GetRequiredService<IngestionGate>();
        var model = follower.Services.GetRequiredService<StageAwareEtaModel>();
        Assert.False(gate.IsLeader);

        for (var i = 0; i < Runs; i++)
        {
            var id = await SubmitAsync(toLeader, seed: i);
            await Eventually.True(() => follower.Hub.Find(id)?.Status == JobStatus.Completed, TimeSpan.FromSeconds(60), $"run {i + 1} completed");
        }

        // Learned while the leader still leads: the follower read eta_runs as the leader wrote it, run by run, in order.
        await Eventually.True(() => model.History.Export().Runs.Count == Runs, TimeSpan.FromSeconds(15), "the follower holding every run the leader learned");
        Assert.False(gate.IsLeader);
        var held = model.History.Export().Runs;
        Assert.Equal(await StoredRunSecondsAsync(db), held.Select(r => r.TotalSeconds));
        var workflowKey = held[0].WorkflowKey;
        Assert.NotNull(workflowKey);
        Assert.All(held, r => Assert.Equal((workflowKey, Instance), (r.WorkflowKey, r.Instance)));
        var facts = new JobFacts(JobKind.Image, workflowKey, Instance);
        Assert.Equal(new EtaBasis(Runs, EtaRunsAlike.WorkflowOnMachine, EtaMethod.TypicalRun), model.HistoryBasis(facts));

        // A job the leader runs now: the follower's copy (read from production_jobs) says what its ETA rests on, as
        // the leader's does, so the job page on either node shows the same line.
        var watched = await SubmitAsync(toLeader, seed: 50);
        var shown = await Eventually.Get(() => follower.Hub.Find(watched) is { Status: JobStatus.Running, EtaBasis: { } b } ? b : null, TimeSpan.FromSeconds(60), "the follower showing the running job's ETA basis");
        Assert.Equal((Runs, EtaRunsAlike.WorkflowOnMachine), (shown.Runs, shown.Alike));
        Assert.NotEqual(EtaMethod.None, shown.Method);
        await Eventually.True(() => follower.Hub.Find(watched)?.Status == JobStatus.Completed, TimeSpan.FromSeconds(60), "the watched run completed");
        await Eventually.True(() => model.History.Export().Runs.Count == Runs + 1, TimeSpan.FromSeconds(15), "the follower holding the watched run too");

        // Taking over, its first job of that workflow is estimated from those runs.
        leader.Kill();
        await Eventually.True(() => gate.IsLeader, TimeSpan.FromSeconds(15), "node B taking over");
        using var toFollower = follower.CreateClient();
        var next = await SubmitAsync(toFollower, seed: 100);
        var basis = await Eventually.Get(() => follower.Hub.Find(next) is { Status: JobStatus.Running, EtaSeconds: not null, EtaBasis: { } b } ? b : null, TimeSpan.FromSeconds(60), "the new job's first ETA");
        Assert.Equal((Runs + 1, EtaRunsAlike.WorkflowOnMachine), (basis.Runs, basis.Alike));
    }

    private static bool ReadyAsLeader(HttpClient http)
    {
        try
        {
            return http.GetStringAsync("readyz", Ct).GetAwaiter().GetResult().Contains("\"role\": \"leader\"", StringComparison.Ordinal);
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<long> SubmitAsync(HttpClient http, int seed)
    {
        var workflow = DemoWorkflows.Image("Cluster cut", steps: 6, seed: seed).Workflow;
        using var response = await http.PostAsJsonAsync("api/jobs", new { title = $"Cluster cut {seed}", kind = "image", workflow, instance = Instance }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<long>();
    }

    private static async Task<List<double>> StoredRunSecondsAsync(string db)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT run_seconds FROM anime_api.eta_runs ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var seconds = new List<double>();
        while (await reader.ReadAsync(Ct))
        {
            seconds.Add(reader.GetDouble(0));
        }

        return seconds;
    }
}
