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
        new(_contexts, model, Gate(leading), Options.Create(options ?? new EtaRunOptions()), TimeProvider.System, logger ?? new ListLogger<EtaRunStore>());

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
    public async Task A_node_that_does_not_ingest_neither_loads_at_start_nor_writes()
    {
        await CreateSchemaAsync();
        var leader = new StageAwareEtaModel();
        var leaderStore = Store(leader);
        await leaderStore.StartAsync(Ct);
        Record(leader, JobDriver.Image, runs: 2);
        await leaderStore.StopAsync(Ct);

        var follower = new StageAwareEtaModel();
        var followerStore = Store(follower, leading: false);
        await followerStore.StartAsync(Ct);
        Assert.Empty(follower.History.Export().Runs);
        Record(follower, JobDriver.Image, runs: 1);
        await followerStore.StopAsync(Ct);
        Assert.Equal(2, (await RowsAsync()).Count);

        // Taking over, it learns what the leader wrote (LeaderElection reloads before it ingests).
        await followerStore.ReloadAsync(Ct);
        Assert.Equal(2, follower.History.Export().Runs.Count);
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
