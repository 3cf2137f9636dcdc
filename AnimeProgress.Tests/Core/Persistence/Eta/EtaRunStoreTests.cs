using System.Text.Json;
using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Eta;
using AnimeProgress.Tests.Core.Estimation;
using AnimeProgress.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.Persistence.Eta;

/// <summary>The ETA engine's finished runs against a real SQLite file: written as they finish, loaded into a new model, bounded, and a bad row skipped.</summary>
public sealed class EtaRunStoreTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"animeprogress-eta-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly Factory _contexts;

    public EtaRunStoreTests() => _contexts = new Factory(_file);

    private IDbContextFactory<AnimeProgressDbContext> Db => _contexts;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Factory(string file) : IDbContextFactory<AnimeProgressDbContext>
    {
        public bool Down { get; set; }

        public AnimeProgressDbContext CreateDbContext() =>
            new(new DbContextOptionsBuilder<AnimeProgressDbContext>()
                .UseSqlite(Down ? "Data Source=/nonexistent-folder/animeprogress.db;Mode=ReadWrite" : $"Data Source={file};Pooling=False").Options);
    }

    private static IngestionGate Gate(bool leading)
    {
        var gate = new IngestionGate();
        if (leading)
        {
            gate.Grant(DateTimeOffset.UtcNow);
        }

        return gate;
    }

    private EtaRunStore Store(StageAwareEtaModel model, bool leading = true, EtaRunOptions? options = null, ILogger<EtaRunStore>? logger = null) =>
        Store(model, Gate(leading), options, logger);

    private EtaRunStore Store(StageAwareEtaModel model, IngestionGate gate, EtaRunOptions? options = null, ILogger<EtaRunStore>? logger = null) =>
        new(_contexts, model, gate, Options.Create(options ?? new EtaRunOptions()), TimeProvider.System, logger ?? new ListLogger<EtaRunStore>());

    /// <summary>A store started and stopped at once: what a restarted app loads before its tracker starts.</summary>
    private async Task LoadAsync(StageAwareEtaModel model, EtaRunOptions? options = null, ILogger<EtaRunStore>? logger = null)
    {
        var store = Store(model, options: options, logger: logger);
        await store.StartAsync(Ct);
        await store.StopAsync(Ct);
    }

    private async Task CreateSchemaAsync()
    {
        await using var db = await Db.CreateDbContextAsync(Ct);
        await DatabaseInitializer.InitializeAsync(db, migrate: false, Ct);
    }

    private async Task<List<EtaRunRow>> RowsAsync()
    {
        await using var db = await Db.CreateDbContextAsync(Ct);
        return await db.EtaRuns.AsNoTracking().OrderBy(r => r.Id).ToListAsync(Ct);
    }

    /// <summary>Runs jobs of <paramref name="facts"/> through <paramref name="model"/> as the tracker does.</summary>
    private void Record(StageAwareEtaModel model, JobFacts facts, int runs, double slowness = 1)
    {
        for (var i = 0; i < runs; i++)
        {
            JobDriver.Record(model, _time, facts, JobDriver.Profile(gpuSlowness: slowness + 0.04 * i, loading: 1 - 0.03 * i));
        }
    }

    [Fact]
    public async Task Finished_runs_are_written_as_they_finish_and_a_new_model_loaded_from_them_estimates_as_the_old_one()
    {
        await CreateSchemaAsync();
        var before = new StageAwareEtaModel();
        var store = Store(before);
        await store.StartAsync(Ct);
        Record(before, JobDriver.Image, runs: 4);
        Record(before, new JobFacts(JobKind.Video, "wf-video", "gpu-2"), runs: 2, slowness: 2);
        await store.StopAsync(Ct);

        Assert.Null(store.LastError);
        var rows = await RowsAsync();
        Assert.Equal(6, rows.Count);
        Assert.Equal(["image", "image", "image", "image", "video", "video"], rows.Select(r => r.Kind));
        Assert.All(rows, r => Assert.Equal(RunHistorySnapshot.CurrentFormat, r.Format));

        var after = new StageAwareEtaModel();
        await LoadAsync(after);

        // The same runs in the same order: the loaded history is the one the engine had.
        Assert.Equal(JsonSerializer.Serialize(before.History.Export()), JsonSerializer.Serialize(after.History.Export()));
        var continuous = new JobDriver(before, new FakeTimeProvider(_time.GetUtcNow()), JobDriver.Image with { });
        var restarted = new JobDriver(after, new FakeTimeProvider(_time.GetUtcNow()), JobDriver.Image with { });
        foreach (var leg in JobDriver.Profile(gpuSlowness: 1.3))
        {
            continuous.Run(leg);
            restarted.Run(leg);
            Assert.NotNull(restarted.Estimate().EtaSeconds);
            Assert.Equal(continuous.Estimate(), restarted.Estimate());
        }
    }

    [Fact]
    public async Task Each_workflow_keeps_only_the_runs_the_engine_remembers_and_the_table_and_a_load_hold_at_most_the_newest_configured()
    {
        await CreateSchemaAsync();
        var model = new StageAwareEtaModel(new RunHistory(runsPerKey: 3));
        var store = Store(model);
        await store.StartAsync(Ct);
        Record(model, JobDriver.Image, runs: 5);
        Record(model, JobDriver.Image with { Instance = "gpu-2" }, runs: 2);
        await store.StopAsync(Ct);

        // Five runs on gpu-1, of which the newest three stay; both of gpu-2.
        var rows = await RowsAsync();
        Assert.Equal(["gpu-1", "gpu-1", "gpu-1", "gpu-2", "gpu-2"], rows.Select(r => r.Instance));
        Assert.Equal([3L, 4, 5, 6, 7], rows.Select(r => r.Id));

        // A load takes the newest runs up to the cap.
        var capped = new StageAwareEtaModel(new RunHistory(runsPerKey: 3));
        await LoadAsync(capped, new EtaRunOptions { MaxStoredRuns = 2 });
        Assert.Equal(["gpu-2", "gpu-2"], capped.History.Export().Runs.Select(r => r.Instance));

        // Workflows that run once each would grow the table without end: the cap holds for the table too.
        var small = Store(capped, options: new EtaRunOptions { MaxStoredRuns = 4 });
        await small.StartAsync(Ct);
        Record(capped, JobDriver.Image with { WorkflowKey = "wf-once" }, runs: 1);
        await small.StopAsync(Ct);
        rows = await RowsAsync();
        Assert.Equal([5L, 6, 7, 8], rows.Select(r => r.Id));
        Assert.Equal(["wf-image", "wf-image", "wf-image", "wf-once"], rows.Select(r => r.WorkflowKey));
    }

    [Fact]
    public async Task Rows_that_cannot_be_read_are_logged_and_skipped_and_the_rest_load()
    {
        await CreateSchemaAsync();
        var model = new StageAwareEtaModel();
        var store = Store(model);
        await store.StartAsync(Ct);
        Record(model, JobDriver.Image, runs: 2);
        await store.StopAsync(Ct);
        var good = (await RowsAsync())[0];
        await using (var db = await Db.CreateDbContextAsync(Ct))
        {
            db.EtaRuns.AddRange(
                new EtaRunRow { Kind = "image", WorkflowKey = "wf-image", Instance = "gpu-1", Format = RunHistorySnapshot.CurrentFormat, Run = "{not json", FinishedAt = _time.GetUtcNow() },
                new EtaRunRow { Kind = "image", WorkflowKey = "wf-image", Instance = "gpu-1", Format = RunHistorySnapshot.CurrentFormat, Run = good.Run.Replace("\"TotalSeconds\":", "\"TotalSeconds\":-", StringComparison.Ordinal), FinishedAt = _time.GetUtcNow() },
                new EtaRunRow { Kind = "image", WorkflowKey = "wf-image", Instance = "gpu-1", Format = RunHistorySnapshot.CurrentFormat, Run = good.Run.Replace("\"Stage\":\"Rendering\"", "\"Stage\":3", StringComparison.Ordinal), FinishedAt = _time.GetUtcNow() },
                new EtaRunRow { Kind = "image", WorkflowKey = "wf-image", Instance = "gpu-1", Format = RunHistorySnapshot.CurrentFormat + 1, Run = good.Run, FinishedAt = _time.GetUtcNow() },
                new EtaRunRow { Kind = "image", WorkflowKey = "wf-image", Instance = "gpu-1", Format = RunHistorySnapshot.CurrentFormat, Run = "null", FinishedAt = _time.GetUtcNow() });
            await db.SaveChangesAsync(Ct);
        }

        var logger = new ListLogger<EtaRunStore>();
        var loaded = new StageAwareEtaModel();
        await LoadAsync(loaded, logger: logger);

        Assert.Equal(2, loaded.History.Export().Runs.Count);
        Assert.Equal(5, logger.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("is skipped", StringComparison.Ordinal)));
        Assert.Contains(logger.Entries, e => e.Message.Contains("loaded 2 finished runs", StringComparison.Ordinal) && e.Message.Contains("5 unreadable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_database_that_cannot_be_read_at_start_leaves_the_history_as_it_is_and_start_goes_on()
    {
        var model = new StageAwareEtaModel();
        Record(model, JobDriver.Image, runs: 1);
        _contexts.Down = true;
        var logger = new ListLogger<EtaRunStore>();

        await LoadAsync(model, logger: logger);

        Assert.Single(model.History.Export().Runs);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("reading eta_runs failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_node_that_does_not_ingest_loads_at_start_and_reads_what_the_leader_writes_but_never_writes()
    {
        await CreateSchemaAsync();
        var leader = new StageAwareEtaModel();
        var leaderStore = Store(leader);
        await leaderStore.StartAsync(Ct);
        Record(leader, JobDriver.Image, runs: 2);
        await leaderStore.FlushAsync(Ct);

        var follower = new StageAwareEtaModel();
        var followerStore = Store(follower, leading: false);
        await followerStore.StartAsync(Ct);
        Assert.Equal(2, follower.History.Export().Runs.Count);

        // What the leader writes next, the follower reads after it.
        Record(leader, JobDriver.Image, runs: 2);
        Record(leader, new JobFacts(JobKind.Video, "wf-video", "gpu-2"), runs: 1, slowness: 2);
        await leaderStore.FlushAsync(Ct);
        await followerStore.CatchUpAsync(Ct);
        Assert.Equal(5, (await RowsAsync()).Count);
        Assert.Equal(JsonSerializer.Serialize(leader.History.Export()), JsonSerializer.Serialize(follower.History.Export()));
        await followerStore.CatchUpAsync(Ct);
        Assert.Equal(5, follower.History.Export().Runs.Count);

        // On a leader a follow-up read does nothing: what it learned and has not written yet must not be replaced.
        var leading = new StageAwareEtaModel();
        await Store(leading).CatchUpAsync(Ct);
        Assert.Empty(leading.History.Export().Runs);

        // A run a follower's own estimator finished (it does not ingest, so this does not happen in the app) is not written.
        Record(follower, JobDriver.Image, runs: 1);
        await followerStore.StopAsync(Ct);
        await leaderStore.StopAsync(Ct);
        Assert.Equal(5, (await RowsAsync()).Count);

        // Taking over, it reloads what the table holds (LeaderElection does before it ingests): the same history.
        await followerStore.ReloadAsync(Ct);
        Assert.Equal(JsonSerializer.Serialize(leader.History.Export()), JsonSerializer.Serialize(follower.History.Export()));
    }

    [Fact]
    public async Task A_follower_reads_on_its_own_every_interval_and_a_leader_that_steps_down_holds_each_run_once()
    {
        await CreateSchemaAsync();
        var options = new EtaRunOptions { FollowInterval = TimeSpan.FromMilliseconds(100) };
        var leaderGate = Gate(leading: true);
        var leader = new StageAwareEtaModel();
        var leaderStore = Store(leader, leaderGate, options);
        var follower = new StageAwareEtaModel();
        var followerGate = Gate(leading: false);
        var followerStore = Store(follower, followerGate, options);
        await leaderStore.StartAsync(Ct);
        await followerStore.StartAsync(Ct);
        try
        {
            Record(leader, JobDriver.Image, runs: 3);
            await Eventually.True(() => follower.History.Export().Runs.Count == 3, TimeSpan.FromSeconds(10), "the follower read the leader's runs");

            // The leader steps down and the follower takes over: the runs the old leader learned are in its memory and
            // in the table; its follow-up reads must not add them a second time.
            leaderGate.Revoke();
            await followerStore.ReloadAsync(Ct);
            followerGate.Grant(DateTimeOffset.UtcNow);
            Record(follower, JobDriver.Image, runs: 1);
            await Eventually.True(() => leader.History.Export().Runs.Count == 4, TimeSpan.FromSeconds(10), "the old leader read the new leader's run");
            await Task.Delay(300, Ct);
            Assert.Equal(JsonSerializer.Serialize(follower.History.Export()), JsonSerializer.Serialize(leader.History.Export()));
        }
        finally
        {
            await followerStore.StopAsync(Ct);
            await leaderStore.StopAsync(Ct);
        }

        Assert.Equal(4, (await RowsAsync()).Count);
    }

    [Fact]
    public async Task Runs_that_finish_while_the_database_is_away_are_held_and_written_when_it_is_back()
    {
        await CreateSchemaAsync();
        var model = new StageAwareEtaModel();
        var store = Store(model);
        await store.StartAsync(Ct);
        _contexts.Down = true;
        Record(model, JobDriver.Image, runs: 2);

        await store.FlushAsync(Ct);
        Assert.NotNull(store.LastError);
        Assert.Equal(2, store.PendingRuns);

        _contexts.Down = false;
        await store.FlushAsync(Ct);
        Assert.Null(store.LastError);
        Assert.Equal(0, store.PendingRuns);
        await store.StopAsync(Ct);
        var rows = await RowsAsync();
        Assert.Equal(2, rows.Count);
        var reloaded = new StageAwareEtaModel();
        await LoadAsync(reloaded);
        Assert.Equal(JsonSerializer.Serialize(model.History.Export()), JsonSerializer.Serialize(reloaded.History.Export()));
    }

    [Fact]
    public async Task A_database_file_from_before_the_table_gets_it_at_start()
    {
        await CreateSchemaAsync();
        await using (var db = await Db.CreateDbContextAsync(Ct))
        {
            await db.Database.ExecuteSqlRawAsync("DROP TABLE eta_runs", Ct);
        }

        await CreateSchemaAsync();
        var model = new StageAwareEtaModel();
        var store = Store(model);
        await store.StartAsync(Ct);
        Record(model, JobDriver.Image, runs: 1);
        await store.StopAsync(Ct);

        Assert.Null(store.LastError);
        Assert.Single(await RowsAsync());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }
}
