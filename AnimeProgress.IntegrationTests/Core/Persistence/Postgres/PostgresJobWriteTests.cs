using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Columns;
using AnimeProgress.Core.Persistence.Postgres;
using AnimeProgress.Core.Persistence.WriteBehind;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.TestSupport.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.IntegrationTests.Core.Persistence.Postgres;

/// <summary>
/// Issue 13 on a real PostgreSQL: a write batch is never held up by one row's values (items 3 and 5), and a job's
/// version never goes down across a restart or from one node to another (item 12).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresJobWriteTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Contexts(string db) : IDbContextFactory<AnimeProgressDbContext>
    {
        public AnimeProgressDbContext CreateDbContext() =>
            new((DbContextOptions<AnimeProgressDbContext>)PostgresModel.UseSchema(new DbContextOptionsBuilder<AnimeProgressDbContext>(), db, "anime_api").Options);
    }

    /// <summary>Keeps every log entry with its structured properties.</summary>
    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, IReadOnlyDictionary<string, object?> Properties, Exception? Error)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            lock (Entries)
            {
                Entries.Add((logLevel, properties.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), exception));
            }
        }
    }

    /// <summary>
    /// A running job as the tracker publishes it. Its times are whole microseconds, as PostgreSQL keeps them, so that a
    /// leader reading back its own write sees the same job (the tracker's jobs are skipped there anyway; these are not).
    /// </summary>
    private static JobSnapshot Job(long id, string title, string? promptId = null, long version = 1, string? error = null)
    {
        var now = DateTimeOffset.UtcNow;
        now = now.AddTicks(-(now.Ticks % 10));
        return new()
        {
            Id = id,
            Title = title,
            Kind = JobKind.Image,
            Status = JobStatus.Running,
            Stage = Stage.Rendering,
            Percent = 25,
            PromptId = promptId,
            Instance = "gpu-1",
            Error = error,
            CreatedAt = now.AddMinutes(-1),
            StartedAt = now.AddMinutes(-1),
            UpdatedAt = now,
            Version = version,
        };
    }

    private static KeyValuePair<long, JobWrite>[] Writes(params JobSnapshot[] jobs) => [.. jobs.Select(j => KeyValuePair.Create(j.Id, JobWrite.Upsert(j)))];

    private static AppHost StartApp(string db) => AppHost.Start(new Dictionary<string, string?>
    {
        ["AnimeProgress:Database:Provider"] = "Postgres",
        ["ConnectionStrings:AnimeProduction"] = db,
        ["AnimeProgress:Demo:Enabled"] = "false",
        ["AnimeProgress:Database:FlushInterval"] = "00:00:00.2",
    });

    private static async Task<string> MigratedDatabaseAsync(PostgresFixture postgres, string prefix)
    {
        var db = await postgres.CreateDatabaseAsync(prefix, Ct);
        await using var context = new Contexts(db).CreateDbContext();
        await DatabaseInitializer.InitializeAsync(context, migrate: true, Ct);
        return db;
    }

    [Fact]
    public async Task A_row_the_database_refuses_is_quarantined_and_the_rest_of_its_batch_and_every_later_write_land()
    {
        var db = await MigratedDatabaseAsync(postgres, "ap_poison");
        // Rules of the studio's own that no capping can satisfy: these rows' writes fail every time, one through a
        // CHECK constraint (class 23), one through a trigger that raises (class P0).
        await Sql.ExecuteAsync(db, """
            ALTER TABLE anime_api.production_jobs ADD CONSTRAINT studio_rule CHECK (title <> 'Refused cut');
            CREATE FUNCTION anime_api.studio_trigger() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
              IF NEW.title = 'Refused by trigger' THEN RAISE EXCEPTION 'the studio refuses this cut'; END IF;
              RETURN NEW;
            END
            $fn$;
            CREATE TRIGGER studio_trigger BEFORE INSERT OR UPDATE ON anime_api.production_jobs FOR EACH ROW EXECUTE FUNCTION anime_api.studio_trigger();
            """);
        var logger = new RecordingLogger();
        var contexts = new Contexts(db);
        var writes = new WriteBehindBuffer<long, JobWrite>(new JobWriteSink(contexts, new DatabaseOptions(), logger), TimeProvider.System);
        var longTitle = new string('t', 600);
        var longPrompt = "prompt-" + new string('p', 93);
        var tokyo = new DateTimeOffset(2026, 12, 6, 18, 30, 0, TimeSpan.FromHours(9));

        // Before issue 13 the 600-character title and the 100-character prompt id alone failed this batch forever, and
        // so did a time with a non-UTC offset (Npgsql refuses to send it), the trigger's refusal and the CHECK's.
        writes.Offer(Writes(
            Job(1, "Cut 1"),
            Job(2, "Refused cut"),
            Job(3, longTitle, promptId: longPrompt),
            Job(4, "Cut\0 4", error: new string('e', 1_000_000)),
            Job(6, "Cut 6") with { CreatedAt = tokyo, StartedAt = tokyo.AddMinutes(1) },
            Job(7, "Refused by trigger")));
        await writes.FlushAsync(dueOnly: false, Ct);

        Assert.Equal((0, null), (writes.Count, writes.LastError));
        await using (var read = contexts.CreateDbContext())
        {
            var rows = await read.ProductionJobs.AsNoTracking().OrderBy(r => r.Id).ToListAsync(Ct);
            Assert.Equal([1L, 3L, 4L, 6L], rows.Select(r => r.Id));
            Assert.Equal(500, rows[1].Title.Length);
            Assert.StartsWith(longTitle[..100], rows[1].Title, StringComparison.Ordinal);
            Assert.Contains("600 characters", rows[1].Title, StringComparison.Ordinal);
            Assert.Equal(64, rows[1].ComfyUiJobId!.Length);
            Assert.Equal(ColumnText.FitIdentifier(longPrompt, 64), rows[1].ComfyUiJobId);
            Assert.Equal("Cut 4", rows[2].Title);
            Assert.Equal(ProductionJobRow.ErrorMaxLength, rows[2].Error!.Length);
            Assert.Equal((tokyo, tokyo.AddMinutes(1)), (rows[3].CreatedAt, rows[3].StartedAt!.Value));
        }

        // Each refused row is logged once, with its id, as refused for its values; nothing is reported as an outage.
        var quarantined = logger.Entries.Where(e => e.Level >= LogLevel.Warning).OrderBy(e => (long)e.Properties["JobId"]!).ToList();
        Assert.Equal([2L, 7L], quarantined.Select(e => (long)e.Properties["JobId"]!));
        Assert.All(quarantined, e => Assert.True(DatabaseErrors.IsCausedByValues(e.Error!), e.Error!.ToString()));

        // Nothing waits behind them: later writes, the refused jobs' next states included, go on.
        writes.Offer(Writes(Job(1, "Cut 1, second take", version: 2), Job(2, "Cut 2", version: 2), Job(5, "Cut 5"), Job(7, "Cut 7", version: 2)));
        await writes.FlushAsync(dueOnly: false, Ct);
        Assert.Equal((0, null), (writes.Count, writes.LastError));
        await using (var read = contexts.CreateDbContext())
        {
            var rows = await read.ProductionJobs.AsNoTracking().OrderBy(r => r.Id).Select(r => new { r.Id, r.Title, r.Version }).ToListAsync(Ct);
            Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L, 7L], rows.Select(r => r.Id));
            Assert.Equal(("Cut 1, second take", 2L), (rows[0].Title, rows[0].Version));
            Assert.Equal(("Cut 2", "Cut 5", "Cut 7"), (rows[1].Title, rows[4].Title, rows[6].Title));
        }

        Assert.Equal(2, logger.Entries.Count(e => e.Level >= LogLevel.Warning));
    }

    [Fact]
    public async Task The_running_app_writes_oversize_jobs_capped_and_after_a_restart_every_version_is_above_the_last_seen()
    {
        var db = await postgres.CreateDatabaseAsync("ap_versions", Ct);
        var longPrompt = new string('q', 100);
        ProgressHub hub;
        await using (var app = StartApp(db))
        {
            hub = app.Hub;
            await Eventually.True(() => app.Services.GetRequiredService<IngestionGate>().IsLeader, TimeSpan.FromSeconds(30), "the node leading");
            for (var v = 1; v <= 40; v++)
            {
                app.Hub.Publish(Job(81, new string('T', 600), promptId: longPrompt, version: v) with { Percent = v });
            }

            app.Hub.Publish(Job(82, "Short cut", version: 7));
            app.Hub.Publish(Job(83, "Cut from a clock ahead", version: 3));
            // At least these versions: the leader may show its own write once more as read back (capped, in microseconds), one higher.
            await Eventually.True(
                () => Sql.ScalarAsync<long>(db, "SELECT count(*) FROM anime_api.production_jobs WHERE (id = 81 AND version >= 40) OR (id = 82 AND version >= 7) OR (id = 83 AND version >= 3)").GetAwaiter().GetResult() == 3,
                TimeSpan.FromSeconds(30), "the rows written with their versions");
        }

        // The highest version any client of that run could have seen of each job.
        var lastSeen = new[] { 81L, 82L, 83L }.ToDictionary(id => id, id => hub.Find(id)!.Version);
        Assert.Equal(500, await Sql.ScalarAsync<int>(db, "SELECT length(title) FROM anime_api.production_jobs WHERE id = 81"));
        Assert.Equal(ColumnText.FitIdentifier(longPrompt, 64), await Sql.ScalarAsync<string>(db, "SELECT comfyui_job_id FROM anime_api.production_jobs WHERE id = 81"));
        Assert.InRange(await Sql.ScalarAsync<long>(db, "SELECT version FROM anime_api.production_jobs WHERE id = 81"), 40, lastSeen[81]);

        // A crash loses what was published after the last write: job 82's row says 3, below what was seen. And a
        // node whose clock runs an hour ahead wrote job 83 last, so its stored version is above anything this clock gives.
        await Sql.ExecuteAsync(db, "UPDATE anime_api.production_jobs SET version = 3 WHERE id = 82");
        var ahead = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();
        await Sql.ExecuteAsync(db, $"UPDATE anime_api.production_jobs SET version = {ahead} WHERE id = 83");

        await using (var again = StartApp(db))
        {
            var job81 = await Eventually.Get(() => again.Hub.Find(81), TimeSpan.FromSeconds(30), "job 81 restored");
            var job82 = await Eventually.Get(() => again.Hub.Find(82), TimeSpan.FromSeconds(30), "job 82 restored");
            var job83 = await Eventually.Get(() => again.Hub.Find(83), TimeSpan.FromSeconds(30), "job 83 restored");
            Assert.True(job81.Version > lastSeen[81], $"job 81 came back with version {job81.Version}, not above {lastSeen[81]}");
            Assert.True(job82.Version > lastSeen[82], $"job 82 came back with version {job82.Version}, not above the {lastSeen[82]} published before the crash");
            Assert.True(job83.Version > ahead, $"job 83 came back with version {job83.Version}, below the stored {ahead}");
        }
    }

    [Fact]
    public async Task Another_node_shows_the_writers_versions_and_its_own_never_go_down_when_it_takes_over()
    {
        var db = await postgres.CreateDatabaseAsync("ap_versions_nodes", Ct);
        var nodeA = StartApp(db);
        var hubA = nodeA.Hub;
        await Eventually.True(() => nodeA.Services.GetRequiredService<IngestionGate>().IsLeader, TimeSpan.FromSeconds(30), "node A leading");
        await using var nodeB = StartApp(db);
        var gateB = nodeB.Services.GetRequiredService<IngestionGate>();
        Assert.False(gateB.IsLeader);
        await Eventually.True(() => nodeB.Services.GetRequiredService<PostgresJobListener>().Listening, TimeSpan.FromSeconds(30), "node B listening");

        // Every version of job 91 that node B hands its clients, in order, and whether B led when it did.
        var shownByB = new List<(long Version, bool Leading)>();
        using var watch = nodeB.Hub.Subscribe(
            (batch, _) =>
            {
                lock (shownByB)
                {
                    shownByB.AddRange(batch.Jobs.Where(j => j.Id == 91).Select(j => (j.Version, gateB.IsLeader)));
                }

                return ValueTask.CompletedTask;
            },
            TimeSpan.Zero);
        (long Version, bool Leading)[] ShownByB()
        {
            lock (shownByB)
            {
                return [.. shownByB];
            }
        }

        long highestOnA;
        try
        {
            // The leader publishes as its tracker does: each change one above what its hub holds.
            hubA.Publish(Job(91, "Cut 91", version: 40));
            await Eventually.True(() => nodeB.Hub.Find(91) is { Version: 40, Stage: Stage.Rendering }, TimeSpan.FromSeconds(30), "node B showing the row's version 40");
            hubA.Publish(Job(91, "Cut 91", version: hubA.Find(91)!.Version + 1) with { Stage = Stage.PostProcessing });
            await Eventually.True(() => nodeB.Hub.Find(91) is { Version: 41, Stage: Stage.PostProcessing }, TimeSpan.FromSeconds(30), "node B showing the row's version 41");

            // Another program changes the row without touching its version: node B's copy still moves up.
            await Sql.ExecuteAsync(db, "UPDATE anime_api.production_jobs SET progress = 60, updated_at = now() WHERE id = 91");
            await Eventually.True(() => nodeB.Hub.Find(91) is { Percent: 60 }, TimeSpan.FromSeconds(30), "node B showing the other program's change");
            Assert.True(nodeB.Hub.Find(91)!.Version > 41, $"node B showed the other program's change as version {nodeB.Hub.Find(91)!.Version}");
        }
        finally
        {
            await nodeA.DisposeAsync();
            highestOnA = hubA.Find(91)?.Version ?? 0;
        }

        // Taking over, node B goes past every version either node showed, and writes it, so the next node goes on from there.
        await Eventually.True(() => gateB.IsLeader, TimeSpan.FromSeconds(30), "node B taking over");
        var highestBefore = Math.Max(highestOnA, ShownByB().Where(s => !s.Leading).Max(s => s.Version));
        await Eventually.True(() => nodeB.Hub.Find(91)?.Version > highestBefore, TimeSpan.FromSeconds(30), $"node B's version past {highestBefore}");
        await Eventually.True(
            () => Sql.ScalarAsync<long>(db, "SELECT version FROM anime_api.production_jobs WHERE id = 91").GetAwaiter().GetResult() == nodeB.Hub.Find(91)!.Version,
            TimeSpan.FromSeconds(30), "node B's version in the row");
        await Eventually.True(() => ShownByB()[^1].Version == nodeB.Hub.Find(91)!.Version, TimeSpan.FromSeconds(30), "node B's clients handed its current version");
        var shown = ShownByB().Select(s => s.Version).ToList();
        Assert.True(shown.Zip(shown.Skip(1)).All(p => p.Second > p.First), $"node B showed versions {string.Join(", ", shown)}");
    }
}
