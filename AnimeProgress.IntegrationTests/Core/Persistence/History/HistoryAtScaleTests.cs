using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.History;
using AnimeProgress.Core.Persistence.Postgres;
using AnimeProgress.IntegrationTests.Core.Persistence.Postgres;
using AnimeProgress.TestSupport.Postgres;
using AnimeProgress.Web.Jobs.ReadModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.IntegrationTests.Core.Persistence.History;

/// <summary>
/// Issue 15 item 5 on a real database, the same tests on SQLite and on PostgreSQL: keyset pages of the history table and
/// of GET /api/jobs list exactly what offset pages list, and progress history is thinned as jobs age and deleted after
/// its retention period.
/// </summary>
public abstract class HistoryAtScaleTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected IDbContextFactory<AnimeProgressDbContext> Contexts { get; private set; } = null!;

    protected abstract Task<AnimeProgressDbContext> NewContextAsync();

    public async ValueTask InitializeAsync()
    {
        await using (var db = await NewContextAsync())
        {
            await DatabaseInitializer.InitializeAsync(db, migrate: true, Ct);
        }

        Contexts = new Factory(this);
    }

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        CleanUp();
        return ValueTask.CompletedTask;
    }

    protected virtual void CleanUp()
    {
    }

    private sealed class Factory(HistoryAtScaleTests owner) : IDbContextFactory<AnimeProgressDbContext>
    {
        public AnimeProgressDbContext CreateDbContext() => owner.NewContextAsync().GetAwaiter().GetResult();

        public Task<AnimeProgressDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) => owner.NewContextAsync();
    }

    private static ProductionJobRow Job(long id, DateTimeOffset? finished, string status = "completed", string instance = "gpu-1") => new()
    {
        Id = id,
        Title = $"job {id}",
        Kind = id % 3 == 0 ? "video" : "image",
        Status = status,
        ComfyUiInstance = instance,
        SubmittedBy = id % 2 == 0 ? "mika" : "olga",
        WorkflowKey = id % 4 == 0 ? "wf-a" : "wf-b",
        CreatedAt = (finished ?? Now) - TimeSpan.FromMinutes(30),
        UpdatedAt = finished ?? Now,
        CompletedAt = finished,
    };

    [Fact]
    public async Task Keyset_pages_of_the_history_table_list_what_offset_pages_list_ties_included()
    {
        await using (var db = await Contexts.CreateDbContextAsync(Ct))
        {
            // 130 finished jobs, finish times in pairs (ties are broken by id), plus two running ones the history never lists.
            db.ProductionJobs.AddRange(Enumerable.Range(1, 130).Select(i => Job(i, Now - TimeSpan.FromMinutes(i / 2 * 7), i % 10 == 0 ? "failed" : "completed")));
            db.ProductionJobs.AddRange(Job(500, null, "processing"), Job(501, null, "queued"));
            await db.SaveChangesAsync(Ct);
        }

        var queries = new JobQueries(Contexts);
        var filter = new JobFilter { Statuses = JobFilter.FinishedStatuses };
        foreach (var descending in new[] { true, false })
        {
            var byOffset = new List<long>();
            var byKeyset = new List<long>();
            FinishedCursor? after = null;
            for (var page = 0; page < 7; page++)
            {
                byOffset.AddRange((await queries.SearchStoredAsync(filter, JobSort.Finished, descending, page * 20, 20, Ct)).Jobs.Select(j => j.Id));
                // The skip is ignored once there is a cursor.
                var keyset = await queries.SearchStoredAsync(filter, JobSort.Finished, descending, skip: after is null ? 0 : 999_999, 20, Ct, after, knownTotal: 130);
                Assert.Equal(130, keyset.Total);
                byKeyset.AddRange(keyset.Jobs.Select(j => j.Id));
                after = keyset.Jobs.Count > 0 ? new FinishedCursor(keyset.Jobs[^1].FinishedAt!.Value, keyset.Jobs[^1].Id) : after;
            }

            Assert.Equal(130, byOffset.Count);
            Assert.Equal(byOffset, byKeyset);
            Assert.Equal(Enumerable.Range(1, 130).Select(i => (long)i).Order(), byKeyset.Order());
        }

        // A filter on one of the indexed columns pages the same way.
        var mine = filter with { SubmittedBy = "mika", Kind = AnimeProgress.Core.Jobs.JobKind.Image };
        var all = (await queries.SearchStoredAsync(mine, JobSort.Finished, true, 0, 500, Ct)).Jobs.Select(j => j.Id).ToList();
        var first = await queries.SearchStoredAsync(mine, JobSort.Finished, true, 0, 10, Ct);
        var second = await queries.SearchStoredAsync(mine, JobSort.Finished, true, 0, 10, Ct, new FinishedCursor(first.Jobs[^1].FinishedAt!.Value, first.Jobs[^1].Id));
        Assert.Equal(all.Take(20), first.Jobs.Concat(second.Jobs).Select(j => j.Id));
        Assert.All(first.Jobs.Concat(second.Jobs), j => Assert.Equal(("mika", AnimeProgress.Core.Jobs.JobKind.Image), (j.SubmittedBy, j.Kind)));
    }

    [Fact]
    public async Task The_api_list_by_cursor_lists_every_job_once_in_the_offset_order_and_filters_by_workflow_and_finish_time()
    {
        await using (var db = await Contexts.CreateDbContextAsync(Ct))
        {
            db.ProductionJobs.AddRange(Enumerable.Range(1, 53).Select(i => Job(i, i % 9 == 0 ? null : Now - TimeSpan.FromHours(i), i % 9 == 0 ? "queued" : "completed")));
            await db.SaveChangesAsync(Ct);
        }

        var queries = new JobQueries(Contexts);
        var offsetIds = new List<long>();
        for (var offset = 0; offset < 60; offset += 8)
        {
            offsetIds.AddRange((await queries.ListAsync(JobFilter.None, offset, 8, Ct)).Jobs.Select(j => j.Id));
        }

        var cursorIds = new List<long>();
        JobListCursor? cursor = null;
        var pages = 0;
        do
        {
            var (page, next) = await queries.ListAfterAsync(JobFilter.None, cursor, 8, Ct);
            Assert.Equal(53, page.Total);
            cursorIds.AddRange(page.Jobs.Select(j => j.Id));
            cursor = next;
            Assert.True(++pages < 20, "the cursor never reached the end");
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Range(1, 53).Select(i => (long)i).OrderDescending(), cursorIds);
        Assert.Equal(offsetIds, cursorIds);

        var filter = new JobFilter { WorkflowKey = "wf-a", FinishedFrom = Now - TimeSpan.FromHours(30), FinishedBefore = Now - TimeSpan.FromHours(3) };
        var (found, _) = await queries.ListAfterAsync(filter, null, 50, Ct);
        long[] expected = [28, 24, 20, 16, 12, 8, 4];
        Assert.Equal(expected, found.Jobs.Select(j => j.Id));
        Assert.Equal(expected.Length, found.Total);
    }

    [Fact]
    public async Task The_instance_filter_lists_each_instance_once_in_order()
    {
        await using (var db = await Contexts.CreateDbContextAsync(Ct))
        {
            db.ProductionJobs.AddRange(Enumerable.Range(1, 40).Select(i => Job(i, Now, instance: $"gpu-{i % 5}")));
            db.ProductionJobs.Add(Job(41, Now, instance: ""));
            await db.SaveChangesAsync(Ct);
        }

        Assert.Equal(["gpu-0", "gpu-1", "gpu-2", "gpu-3", "gpu-4"], await new JobQueries(Contexts).GetInstancesAsync(Ct));
    }

    [Fact]
    public async Task Aged_jobs_are_thinned_keeping_stage_changes_and_expired_samples_are_deleted()
    {
        var options = new ProgressHistoryOptions
        {
            FullDetailFor = TimeSpan.FromDays(7),
            ThinnedInterval = TimeSpan.FromMinutes(1),
            KeepFor = TimeSpan.FromDays(90),
            RetentionBatchSize = 10,
        };
        // 25 jobs (three batches): 10 minutes each, one sample every 5 s, in three stages.
        var recent = Enumerable.Range(1, 5).Select(i => Job(i, Now - TimeSpan.FromDays(2))).ToList();
        var aged = Enumerable.Range(6, 20).Select(i => Job(i, Now - TimeSpan.FromDays(30) + TimeSpan.FromMinutes(i))).ToList();
        var expired = Job(40, Now - TimeSpan.FromDays(120));
        await using (var db = await Contexts.CreateDbContextAsync(Ct))
        {
            // Written first, as the oldest sample would be: one whose job's row is gone, from before the retention period.
            db.ProgressHistory.Add(new ProgressHistoryRow { JobId = 999, RecordedAt = Now - TimeSpan.FromDays(100), Stage = "Rendering", Progress = 50 });
            await db.SaveChangesAsync(Ct);
            db.ProductionJobs.AddRange([.. recent, .. aged, expired]);
            foreach (var job in (ProductionJobRow[])[.. recent, .. aged, expired])
            {
                db.ProgressHistory.AddRange(Samples(job.Id, job.CompletedAt!.Value - TimeSpan.FromMinutes(10)));
            }

            await db.SaveChangesAsync(Ct);
        }

        var queries = new JobQueries(Contexts);
        var timelineBefore = StagePeriods.From(await queries.GetSamplesAsync(10, Ct), "Completed", aged[4].CompletedAt);
        var retention = new ProgressHistoryRetention(Contexts, Options.Create(options), _time, NullLogger<ProgressHistoryRetention>.Instance);

        var pass = await retention.RunAsync(Ct);

        Assert.Equal(20, pass.JobsThinned);
        // Each aged job keeps its first and last sample, the first and last of each of its three stages, one a minute.
        await using (var db = await Contexts.CreateDbContextAsync(Ct))
        {
            var counts = await db.ProgressHistory.GroupBy(h => h.JobId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, Ct);
            Assert.All(recent, j => Assert.Equal(121, counts[j.Id]));
            Assert.All(aged, j => Assert.InRange(counts[j.Id], 11, 16));
            Assert.False(counts.ContainsKey(expired.Id));
            Assert.False(counts.ContainsKey(999));
            Assert.Equal(20 * (121 - counts[10]), pass.SamplesThinned);
            Assert.Equal(122, pass.SamplesExpired);
        }

        var thinned = await queries.GetSamplesAsync(10, Ct);
        Assert.Equal(timelineBefore, StagePeriods.From(thinned, "Completed", aged[4].CompletedAt));
        Assert.Equal((0d, 100d), (thinned[0].Percent, thinned[^1].Percent));
        Assert.All(thinned.Zip(thinned.Skip(1)), p => Assert.True(p.Second.At - p.First.At <= TimeSpan.FromMinutes(1), $"gap {p.Second.At - p.First.At}"));

        // Nothing more to do; a job that ages into the window later is thinned on a later pass.
        Assert.Equal(new ProgressHistoryRetention.Pass(0, 0, 0), await retention.RunAsync(Ct));
        _time.Advance(TimeSpan.FromDays(6));
        var later = await retention.RunAsync(Ct);
        Assert.Equal(5, later.JobsThinned);
        Assert.True(later.SamplesThinned > 400);

        // A fresh instance (another leader) goes over the same jobs again and removes nothing more.
        var again = await new ProgressHistoryRetention(Contexts, Options.Create(options), _time, NullLogger<ProgressHistoryRetention>.Instance).RunAsync(Ct);
        Assert.Equal((25, 0, 0), (again.JobsThinned, again.SamplesThinned, again.SamplesExpired));

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => retention.RunAsync(cancelled.Token));
    }

    /// <summary>121 samples over 10 minutes, one every 5 s: Sampling, then Rendering, then Decoding.</summary>
    private static IEnumerable<ProgressHistoryRow> Samples(long jobId, DateTimeOffset start) =>
        Enumerable.Range(0, 121).Select(i => new ProgressHistoryRow
        {
            JobId = jobId,
            RecordedAt = start + TimeSpan.FromSeconds(5 * i),
            Progress = Math.Round(i / 1.2, 3),
            Stage = i < 30 ? "Sampling" : i < 100 ? "Rendering" : "Decoding",
            Rate = 10,
        });
}

/// <summary>On a SQLite file.</summary>
public sealed class SqliteHistoryAtScaleTests : HistoryAtScaleTests
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"ap-history-{Guid.NewGuid():N}.db");

    protected override Task<AnimeProgressDbContext> NewContextAsync() =>
        Task.FromResult(new AnimeProgressDbContext(new DbContextOptionsBuilder<AnimeProgressDbContext>().UseSqlite($"Data Source={_file}").Options));

    protected override void CleanUp()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }
}

/// <summary>On PostgreSQL, migrated as production is.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresHistoryAtScaleTests(PostgresFixture postgres) : HistoryAtScaleTests
{
    private string? _db;

    protected override async Task<AnimeProgressDbContext> NewContextAsync()
    {
        _db ??= await postgres.CreateDatabaseAsync("ap_history_scale", Ct);
        var options = new DbContextOptionsBuilder<AnimeProgressDbContext>();
        PostgresModel.UseSchema(options, _db, DatabaseOptions.DefaultSchema);
        return new AnimeProgressDbContext(options.Options);
    }
}
