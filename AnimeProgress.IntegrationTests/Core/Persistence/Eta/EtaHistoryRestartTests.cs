using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Eta;
using AnimeProgress.IntegrationTests.Core.Persistence.Postgres;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.TestSupport.Postgres;
using AnimeProgress.Web.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Core.Persistence.Eta;

/// <summary>
/// Issue 20 item 4: jobs of one workflow run through the real path (an emulated ComfyUI, the client, the tracker),
/// the app stops and starts again on the same database, and the first ETA of a new job of that workflow is the one
/// the history of before the restart gives: replayed through a model of the test's own that holds the runs the first
/// app had learned, not read back from the database.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class EtaHistoryRestartTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const int RunsBefore = 3;
    private const string Instance = "gpu-1";

    private ComfyUiEmulatorServer _gpu = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _gpu = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.05 }, Ct);

    public async ValueTask DisposeAsync() => await _gpu.DisposeAsync();

    [Fact]
    public async Task On_sqlite_the_first_eta_after_a_restart_is_the_one_the_history_before_it_gives()
    {
        var data = Directory.CreateTempSubdirectory("animeprogress-eta-restart-").FullName;
        try
        {
            await AssertRestartKeepsTheEtaAsync(new Dictionary<string, string?> { ["AnimeProgress:Database:DataDirectory"] = data });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task On_postgres_the_new_leader_after_a_restart_gives_the_first_eta_the_history_before_it_gives()
    {
        var db = await postgres.CreateDatabaseAsync("ap_eta_restart", Ct);
        await AssertRestartKeepsTheEtaAsync(new Dictionary<string, string?>
        {
            ["AnimeProgress:Database:Provider"] = "Postgres",
            ["ConnectionStrings:AnimeProduction"] = db,
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Cluster:LeaseCheckInterval"] = "00:00:00.5",
        });
    }

    private async Task AssertRestartKeepsTheEtaAsync(Dictionary<string, string?> database)
    {
        var settings = new Dictionary<string, string?>(database)
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = Instance,
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = _gpu.BaseUrl.ToString(),
        };

        RunHistorySnapshot learned;
        await using (var before = AppHost.Start(settings))
        {
            for (var i = 0; i < RunsBefore; i++)
            {
                var id = await SubmitAsync(before, seed: i);
                await Eventually.True(() => before.Hub.Find(id)?.Status == JobStatus.Completed, TimeSpan.FromSeconds(60), $"run {i + 1} completed");
            }

            var model = before.Services.GetRequiredService<StageAwareEtaModel>();
            await Eventually.True(() => model.History.Export().Runs.Count == RunsBefore, TimeSpan.FromSeconds(10), "every run learned");
            learned = model.History.Export();
        }

        // Stopping flushed them: one row per run, in the database the next start reads.
        var stored = await StoredRunsAsync(settings);
        Assert.Equal(RunsBefore, stored.Count);
        var workflowKey = learned.Runs[0].WorkflowKey;
        Assert.NotNull(workflowKey);
        Assert.All(stored, r => Assert.Equal((workflowKey, Instance, RunHistorySnapshot.CurrentFormat), (r.WorkflowKey, r.Instance, r.Format)));

        await using var after = AppHost.Start(settings, services =>
            services.AddSingleton<IEtaModel>(sp => new RecordingEtaModel(sp.GetRequiredService<StageAwareEtaModel>())));
        var recorder = (RecordingEtaModel)after.Services.GetRequiredService<IEtaModel>();
        var newJob = await SubmitAsync(after, seed: 100);
        await Eventually.True(() => after.Hub.Find(newJob)?.Status == JobStatus.Completed, TimeSpan.FromSeconds(60), "the new job completed");

        var job = Assert.Single(recorder.Jobs);
        Assert.Equal(new JobFacts(JobKind.Image, workflowKey, Instance), job.Facts);
        var calls = job.Calls.ToList();
        var first = calls.FindIndex(c => c.Result?.EtaSeconds is not null);
        Assert.True(first >= 0, "the new job got an ETA");
        var shown = calls[first].Result!;
        Assert.Equal((RunsBefore, EtaRunsAlike.WorkflowOnMachine), (shown.Basis!.Runs, shown.Basis.Alike));

        // The same calls against a model that never restarted: the history the first app had learned.
        var continuous = new StageAwareEtaModel();
        Assert.True(continuous.History.Import(learned));
        var expected = Replay(continuous, job, calls[..(first + 1)]);
        Assert.NotNull(expected.EtaSeconds);
        Assert.Equal(Math.Round(expected.EtaSeconds!.Value), Math.Round(shown.EtaSeconds!.Value));
        Assert.Equal((Round(expected.EtaLowSeconds), Round(expected.EtaHighSeconds)), (Round(shown.EtaLowSeconds), Round(shown.EtaHighSeconds)));

        // And not what a model that forgot would say: with no history there is no estimate that early, or another one.
        var forgetful = Replay(new StageAwareEtaModel(), job, calls[..(first + 1)]);
        Assert.NotEqual(Round(expected.EtaSeconds), Round(forgetful.EtaSeconds));

        // The restarted app learned the new run on top of the old ones, and wrote it.
        var model2 = after.Services.GetRequiredService<StageAwareEtaModel>();
        try
        {
            await Eventually.True(() => model2.History.Export().Runs.Count == RunsBefore + 1, TimeSpan.FromSeconds(10), "the new run learned");
        }
        catch (TimeoutException)
        {
            var runs = model2.History.Export().Runs;
            Assert.Fail($"The restarted app remembers {runs.Count} runs (run times {string.Join(", ", runs.Select(r => r.TotalSeconds))}), not {RunsBefore + 1}; its estimators: {recorder.Jobs.Count}; the new job: {after.Hub.Find(newJob)}");
        }
        Assert.Equal(
            JsonSerializer.Serialize(learned.Runs),
            JsonSerializer.Serialize(model2.History.Export().Runs.Take(RunsBefore)));
        var store = after.Services.GetRequiredService<EtaRunStore>();
        await store.FlushAsync(Ct);
        Assert.Equal(RunsBefore + 1, (await StoredRunsAsync(settings)).Count);
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v) : null;

    /// <summary>Drives a fresh estimator of <paramref name="model"/> through the calls the app's tracker made; the last call's estimate.</summary>
    private static Estimate Replay(StageAwareEtaModel model, RecordedJob job, IEnumerable<EstimatorCall> calls)
    {
        var estimator = model.Start(job.Facts with { }, job.StartedAt);
        var last = Estimate.Unknown;
        foreach (var call in calls)
        {
            if (call.Result is null)
            {
                estimator.Observe(call.At, call.Percent, call.Stage);
            }
            else
            {
                last = estimator.EstimateAt(call.At);
            }
        }

        return last;
    }

    private static async Task<long> SubmitAsync(AppHost app, int seed)
    {
        using var http = app.CreateClient();
        await Eventually.True(() => app.Hub.Instances.Any(i => i.Name == Instance && i.Online), TimeSpan.FromSeconds(30), "the instance online");
        var workflow = DemoWorkflows.Image("Cut", steps: 6, seed: seed).Workflow;
        using var response = await http.PostAsJsonAsync("/api/jobs", new { title = $"Cut {seed}", kind = "image", workflow, instance = Instance }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<long>();
    }

    /// <summary>The stored runs, read with a context of the test's own (the app that wrote them is stopped or running).</summary>
    private static async Task<List<EtaRunRow>> StoredRunsAsync(Dictionary<string, string?> settings)
    {
        var options = new DbContextOptionsBuilder<AnimeProgressDbContext>();
        if (settings.TryGetValue("ConnectionStrings:AnimeProduction", out var postgres) && postgres is not null)
        {
            AnimeProgress.Core.Persistence.Postgres.PostgresModel.UseSchema(options, postgres, DatabaseOptions.DefaultSchema);
        }
        else
        {
            options.UseSqlite($"Data Source={Path.Combine(settings["AnimeProgress:Database:DataDirectory"]!, "animeprogress.db")};Pooling=False");
        }

        await using var db = new AnimeProgressDbContext(options.Options);
        return await db.EtaRuns.AsNoTracking().OrderBy(r => r.Id).ToListAsync(Ct);
    }
}
