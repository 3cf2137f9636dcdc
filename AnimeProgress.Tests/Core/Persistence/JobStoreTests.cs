using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Tests.Core.Persistence;

/// <summary>The store against a real SQLite file: batched writes, reads back, and an outage that loses nothing.</summary>
public sealed class JobStoreTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"animeprogress-store-{Guid.NewGuid():N}.db");
    private readonly TrackerHarness _h = new();

    // The hub paces the store's flushes in real time.
    private readonly ProgressHub _hub = new(TimeProvider.System);

    /// <summary>A real SQLite file; while <see cref="Down"/> is set, connections go to a path that cannot be opened.</summary>
    private sealed class Factory(string file) : IDbContextFactory<AnimeProgressDbContext>
    {
        public bool Down { get; set; }

        public AnimeProgressDbContext CreateDbContext() =>
            new(new DbContextOptionsBuilder<AnimeProgressDbContext>()
                .UseSqlite(Down ? "Data Source=/nonexistent-folder/animeprogress.db;Mode=ReadWrite" : $"Data Source={file}").Options);
    }

    private JobStore Store(Factory factory) => new(
        factory, _hub, _h.Tracker, LeadingGate(), Options.Create(new DatabaseOptions()), Options.Create(new AnimeProgress.Core.Boundary.InputLimits()), TimeProvider.System, NullLogger<JobStore>.Instance);

    internal static AnimeProgress.Core.Cluster.IngestionGate LeadingGate()
    {
        var gate = new AnimeProgress.Core.Cluster.IngestionGate();
        gate.Grant(DateTimeOffset.UtcNow);
        return gate;
    }

    private static JobSnapshot Job(long id, JobStatus status, double percent, long version = 1) => new()
    {
        Id = id,
        Title = $"Cut {id}",
        Status = status,
        Stage = status == JobStatus.Completed ? Stage.Completed : Stage.Rendering,
        Percent = percent,
        CreatedAt = DateTimeOffset.UnixEpoch.AddDays(20000),
        UpdatedAt = DateTimeOffset.UnixEpoch.AddDays(20000),
        FinishedAt = status.IsTerminal() ? DateTimeOffset.UtcNow : null,
        Version = version,
    };

    [Fact]
    public async Task Several_new_jobs_in_one_flush_are_all_written_and_read_back()
    {
        var store = Store(new Factory(_file));
        await store.StartAsync(TestContext.Current.CancellationToken);
        _hub.Publish(Job(1, JobStatus.Running, 10));
        _hub.Publish(Job(2, JobStatus.Queued, 0));
        _hub.Publish(Job(3, JobStatus.Completed, 100));

        await Eventually.True(() => ReadAll().Count == 3, what: "three rows");
        _hub.Publish(Job(1, JobStatus.Running, 55, version: 2));
        await Eventually.True(() => ReadAll().Single(r => r.Id == 1).Progress == 55, what: "an update");
        await store.StopAsync(TestContext.Current.CancellationToken);

        Assert.Null(store.LastError);
        var rows = ReadAll();
        Assert.Equal(["processing", "queued", "completed"], rows.OrderBy(r => r.Id).Select(r => r.Status));
    }

    [Fact]
    public async Task Writes_held_during_an_outage_reach_the_database_when_it_returns()
    {
        var factory = new Factory(_file);
        var store = Store(factory);
        await store.StartAsync(TestContext.Current.CancellationToken);

        factory.Down = true;
        _hub.Publish(Job(1, JobStatus.Running, 40));
        _hub.Publish(Job(1, JobStatus.Completed, 100, version: 2));
        // Both changes are urgent, so each may try a flush: wait until no attempt is in flight (then the one newest
        // write per job is held, not lost and not doubled).
        await Eventually.True(() => store.LastError is not null && store.PendingWrites == 1, what: "the outage noticed, one write held");

        factory.Down = false;
        await store.FlushAsync(TestContext.Current.CancellationToken);
        await store.StopAsync(TestContext.Current.CancellationToken);

        Assert.Null(store.LastError);
        Assert.Equal(0, store.PendingWrites);
        Assert.Equal("completed", ReadAll().Single(r => r.Id == 1).Status);
    }

    [Fact]
    public async Task After_a_restart_every_job_comes_back_with_a_version_above_any_published_before()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Store(new Factory(_file));
        await store.StartAsync(ct);
        _hub.Publish(Job(1, JobStatus.Running, 40, version: 37));
        _hub.Publish(Job(2, JobStatus.Completed, 100, version: 12));
        await Eventually.True(() => ReadAll().Count == 2, what: "both rows");
        await store.StopAsync(ct);
        Assert.Equal([37L, 12L], ReadAll().OrderBy(r => r.Id).Select(r => r.Version));

        // A new process over the same file: the ingesting node (through its tracker) and a node that only shows rows.
        var hub = new ProgressHub(TimeProvider.System);
        var tracker = TrackerHarness.NewTracker(hub, TimeProvider.System);
        await tracker.StartAsync(ct);
        var restarted = new JobStore(
            new Factory(_file), hub, tracker, LeadingGate(), Options.Create(new DatabaseOptions()),
            Options.Create(new AnimeProgress.Core.Boundary.InputLimits()), TimeProvider.System, NullLogger<JobStore>.Instance);
        await restarted.StartAsync(ct);
        await Eventually.True(() => hub.Find(1) is not null && hub.Find(2) is not null, what: "both jobs restored");
        Assert.True(hub.Find(1)!.Version > 37, $"job 1 came back with version {hub.Find(1)!.Version}");
        Assert.True(hub.Find(2)!.Version > 12, $"job 2 came back with version {hub.Find(2)!.Version}");
        await restarted.StopAsync(ct);
        await tracker.StopAsync(ct);

        var followerHub = new ProgressHub(TimeProvider.System);
        var follower = new JobStore(
            new Factory(_file), followerHub, _h.Tracker, new AnimeProgress.Core.Cluster.IngestionGate(), Options.Create(new DatabaseOptions()),
            Options.Create(new AnimeProgress.Core.Boundary.InputLimits()), TimeProvider.System, NullLogger<JobStore>.Instance);
        await follower.StartAsync(ct);
        Assert.True(followerHub.Find(1)!.Version > 37, $"job 1 shown with version {followerHub.Find(1)!.Version}");
        await follower.StopAsync(ct);
    }

    [Fact]
    public async Task A_stored_version_never_goes_down_when_an_older_copy_is_written_late()
    {
        var ct = TestContext.Current.CancellationToken;
        var factory = new Factory(_file);
        await using (var db = factory.CreateDbContext())
        {
            await DatabaseInitializer.InitializeAsync(db, migrate: true, ct);
        }

        await JobRowWriter.WriteAsync(factory, [JobWrite.Upsert(Job(1, JobStatus.Running, 40, version: 50))], ct);
        // An old leader's copy, written late after an outage: its values land, the version stays.
        await JobRowWriter.WriteAsync(factory, [JobWrite.Upsert(Job(1, JobStatus.Running, 45, version: 3))], ct);

        Assert.Equal((45.0, 50L), (ReadAll().Single().Progress, ReadAll().Single().Version));
    }

    [Fact]
    public void A_bad_row_from_another_program_is_shown_safely()
    {
        var snapshot = JobRowMapper.ToSnapshot(new ProductionJobRow
        {
            Id = 9,
            Title = "",
            Status = "exploded",
            CurrentStage = "Baking",
            Progress = 250,
            FramesComplete = -3,
            EstimatedTotalFrames = 0,
            EtaSeconds = -5,
        });

        Assert.Equal(("Job 9", JobStatus.Failed, 100.0), (snapshot.Title, snapshot.Status, snapshot.Percent));
        Assert.Contains("exploded", snapshot.Error, StringComparison.Ordinal);
        Assert.Null(snapshot.FramesDone);
        Assert.Null(snapshot.FramesTotal);
        Assert.Null(snapshot.EtaSeconds);
    }

    [Fact]
    public async Task A_job_that_finishes_just_before_the_store_stops_is_written_finished()
    {
        // The hub delivers to the store on the thread pool: a stop right after the publish must still take it, or the
        // next start restores the job as running and finishes (and learns) its run a second time.
        var ct = TestContext.Current.CancellationToken;
        for (var id = 1L; id <= 20; id++)
        {
            var store = Store(new Factory(_file));
            await store.StartAsync(ct);
            _hub.Publish(Job(id, JobStatus.Completed, 100));
            await store.StopAsync(ct);
        }

        Assert.All(ReadAll(), r => Assert.Equal("completed", r.Status));
        Assert.Equal(20, ReadAll().Count);
    }

    private List<ProductionJobRow> ReadAll()
    {
        using var db = new Factory(_file).CreateDbContext();
        return [.. db.ProductionJobs.AsNoTracking()];
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }
}

public sealed class JobTableUpgradeTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"animeprogress-upgrade-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task A_database_from_an_older_version_gets_the_new_columns_and_keeps_its_rows()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_file}"))
        {
            await old.OpenAsync(ct);
            await using var create = old.CreateCommand();
            // The first release's table, without workflow_key.
            create.CommandText = """
                CREATE TABLE production_jobs (id INTEGER NOT NULL PRIMARY KEY, title TEXT NOT NULL, kind TEXT NOT NULL, workflow TEXT NULL,
                  status TEXT NOT NULL, current_stage TEXT NULL, progress REAL NOT NULL, frames_complete INTEGER NULL, estimated_total_frames INTEGER NULL,
                  frames_estimated INTEGER NOT NULL, eta_seconds REAL NULL, progress_rate REAL NULL, comfyui_job_id TEXT NULL, comfyui_instance TEXT NULL,
                  error TEXT NULL, created_at INTEGER NOT NULL, started_at INTEGER NULL, updated_at INTEGER NOT NULL, completed_at INTEGER NULL);
                INSERT INTO production_jobs VALUES (7, 'old cut', 'image', NULL, 'completed', 'Completed', 100, NULL, NULL, 0, 0, NULL, 'p7', 'gpu', NULL, 0, NULL, 0, NULL);
                """;
            await create.ExecuteNonQueryAsync(ct);
        }

        await using var db = new AnimeProgressDbContext(new DbContextOptionsBuilder<AnimeProgressDbContext>().UseSqlite($"Data Source={_file}").Options);
        var added = await JobTableUpgrade.EnsureAsync(db, ct);
        Assert.Empty(await JobTableUpgrade.EnsureAsync(db, ct));

        // Every column the model maps that the old table lacked, and the tables it did not have.
        Assert.Equal(
            ["AspNetRoleClaims", "AspNetRoles", "AspNetUserClaims", "AspNetUserLogins", "AspNetUserRoles", "AspNetUserTokens", "AspNetUsers",
             "DataProtectionKeys", "api_keys", "app_settings", "audit_log", "comfyui_instances", "eta_runs", "fleet_instances", "fleet_queue",
             "notification_attempts", "notification_channels", "notification_conditions", "notification_deliveries", "notification_events", "notification_rules",
             "production_jobs.current_node", "production_jobs.eta_basis", "production_jobs.eta_high_seconds", "production_jobs.eta_low_seconds",
             "production_jobs.queue_position", "production_jobs.rate_trend", "production_jobs.source", "production_jobs.stalled", "production_jobs.submitted_by",
             "production_jobs.version", "production_jobs.workflow_key", "progress_history"],
            added.Order(StringComparer.Ordinal));
        var row = await db.ProductionJobs.SingleAsync(ct);
        Assert.Equal(("old cut", null, false, null), (row.Title, row.WorkflowKey, row.Stalled, row.QueuePosition));
        // Only the app writes the SQLite file: its old rows stay its own, not "another program's".
        Assert.Equal(JobSource.AnimeProgress, JobRowMapper.ToSnapshot(row).Source);
        var indexes = await db.Database.SqlQuery<string>($"SELECT name AS \"Value\" FROM pragma_index_list('production_jobs')").ToListAsync(ct);
        Assert.Contains("ix_production_jobs_updated_at", indexes);
        Assert.Contains("ix_production_jobs_workflow_key", indexes);
        // The job lists' indexes (issue 15 item 5) reach an old file too.
        Assert.All(JobListIndexes.All, i => Assert.Contains(i.Name, indexes));
        Assert.Contains("ix_eta_runs_workflow", await db.Database.SqlQuery<string>($"SELECT name AS \"Value\" FROM pragma_index_list('eta_runs')").ToListAsync(ct));

        // The new tables work.
        db.ComfyUiInstances.Add(new ComfyUiInstanceRow { Name = "gpu-1", Status = "{}", UpdatedAt = DateTimeOffset.UnixEpoch });
        db.ProgressHistory.Add(new AnimeProgress.Core.Persistence.History.ProgressHistoryRow { JobId = 7, Stage = "Rendering", RecordedAt = DateTimeOffset.UnixEpoch });
        await db.SaveChangesAsync(ct);
        Assert.Equal("gpu-1", (await db.ComfyUiInstances.SingleAsync(ct)).Name);
    }

    [Fact]
    public async Task A_file_from_the_version_before_accounts_gets_the_identity_tables_and_keeps_its_jobs()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new DbContextOptionsBuilder<AnimeProgressDbContext>().UseSqlite($"Data Source={_file}").Options;
        await using (var old = new AnimeProgressDbContext(options))
        {
            // The previous version's file: every table of today but the account tables, with a job in it.
            await old.Database.EnsureCreatedAsync(ct);
            await old.Database.ExecuteSqlRawAsync(
                """
                DROP TABLE "api_keys";
                DROP TABLE "AspNetUserRoles"; DROP TABLE "AspNetRoleClaims"; DROP TABLE "AspNetRoles"; DROP TABLE "AspNetUserClaims";
                DROP TABLE "AspNetUserLogins"; DROP TABLE "AspNetUserTokens"; DROP TABLE "AspNetUsers";
                """,
                ct);

            old.ProductionJobs.Add(new ProductionJobRow { Id = 3, Title = "kept", Kind = "image", Status = "completed" });
            await old.SaveChangesAsync(ct);
        }

        await using var db = new AnimeProgressDbContext(options);
        // What start-up and the migrate command run on SQLite.
        await DatabaseInitializer.InitializeAsync(db, migrate: true, ct);

        var tables = await db.Database.SqlQuery<string>($"SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table'").ToListAsync(ct);
        Assert.Empty(IdentityTables.Except(tables));
        Assert.Equal("kept", (await db.ProductionJobs.SingleAsync(ct)).Title);
        var userIndexes = await db.Database.SqlQuery<string>($"SELECT name AS \"Value\" FROM pragma_index_list('AspNetUsers') WHERE \"unique\" = 1").ToListAsync(ct);
        Assert.Contains("UserNameIndex", userIndexes);

        // The tables take accounts, and one name is one account.
        db.Users.Add(new Microsoft.AspNetCore.Identity.IdentityUser("mika") { NormalizedUserName = "MIKA" });
        await db.SaveChangesAsync(ct);
        db.Users.Add(new Microsoft.AspNetCore.Identity.IdentityUser("Mika") { NormalizedUserName = "MIKA" });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(ct));
    }

    [Fact]
    public async Task A_file_from_the_version_before_api_keys_gets_the_keys_table_with_its_unique_indexes()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new DbContextOptionsBuilder<AnimeProgressDbContext>().UseSqlite($"Data Source={_file}").Options;
        await using (var old = new AnimeProgressDbContext(options))
        {
            await old.Database.EnsureCreatedAsync(ct);
            await old.Database.ExecuteSqlRawAsync("DROP TABLE \"api_keys\";", ct);
            old.Users.Add(new Microsoft.AspNetCore.Identity.IdentityUser("pipeline") { Id = "u1", NormalizedUserName = "PIPELINE" });
            await old.SaveChangesAsync(ct);
        }

        await using var db = new AnimeProgressDbContext(options);
        await DatabaseInitializer.InitializeAsync(db, migrate: true, ct);

        var indexes = await db.Database.SqlQuery<string>($"SELECT name AS \"Value\" FROM pragma_index_list('api_keys') WHERE \"unique\" = 1").ToListAsync(ct);
        Assert.Contains("ix_api_keys_prefix", indexes);
        Assert.Contains("ix_api_keys_secret_hash", indexes);
        var at = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        db.ApiKeys.Add(new AnimeProgress.Core.Persistence.Keys.ApiKeyRow { OwnerId = "u1", Name = "ci", Scopes = "read", Prefix = "0123456789ab", SecretHash = [1, 2, 3], CreatedAt = at, ExpiresAt = at.AddDays(30) });
        await db.SaveChangesAsync(ct);
        var row = await db.ApiKeys.AsNoTracking().SingleAsync(ct);
        Assert.Equal(("u1", at.AddDays(30)), (row.OwnerId, row.ExpiresAt));
        // Times are stored as sortable integers, so "expired before now" works in SQL as on PostgreSQL.
        Assert.Equal(1, await db.ApiKeys.CountAsync(k => k.ExpiresAt > at, ct));

        // A second key with the same prefix is refused by the database itself.
        db.ApiKeys.Add(new AnimeProgress.Core.Persistence.Keys.ApiKeyRow { OwnerId = "u1", Name = "dup", Scopes = "read", Prefix = "0123456789ab", SecretHash = [4], CreatedAt = at });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(ct));
    }

    private static readonly string[] IdentityTables =
        ["AspNetRoleClaims", "AspNetRoles", "AspNetUserClaims", "AspNetUserLogins", "AspNetUserRoles", "AspNetUserTokens", "AspNetUsers"];

    [Fact]
    public async Task A_new_file_is_created_complete_and_needs_no_upgrade()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = new AnimeProgressDbContext(new DbContextOptionsBuilder<AnimeProgressDbContext>().UseSqlite($"Data Source={_file}").Options);
        Assert.Empty(await DatabaseInitializer.InitializeAsync(db, migrate: true, ct));
        Assert.Empty(await JobTableUpgrade.EnsureAsync(db, ct));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }
}
