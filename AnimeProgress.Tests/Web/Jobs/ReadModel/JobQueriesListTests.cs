using System.Data.Common;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Tests.Web.Components;
using AnimeProgress.Web.Jobs.ReadModel;
using CsCheck;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AnimeProgress.Tests.Web.Jobs.ReadModel;

/// <summary>
/// <see cref="JobQueries.ListAsync"/> (live jobs first, then the stored rows that are not live, newest first) against
/// a naive in-memory reference over the same rows and hub, on a real SQLite file. Live jobs carry a different title
/// from their rows, so a page that shows a row where the live job belongs fails too.
/// </summary>
public sealed class JobQueriesListTests : HistoryTestContext
{
    private static readonly JobFilter[] Filters =
    [
        JobFilter.None,
        new() { Kind = JobKind.Video },
        new() { Statuses = new HashSet<JobStatus> { JobStatus.Completed } },
        new() { Statuses = new HashSet<JobStatus> { JobStatus.Failed, JobStatus.Queued } },
        new() { Statuses = new HashSet<JobStatus>() },
    ];

    private static readonly int[] Limits = [1, 7, 50];

    private static readonly JobStatus[] RowStatuses = [JobStatus.Completed, JobStatus.Failed, JobStatus.Queued];

    private static readonly JobStatus[] LiveStatuses = [JobStatus.Running, JobStatus.Completed, JobStatus.Queued, JobStatus.Failed];

    [Fact]
    public async Task Pages_match_the_reference_for_generated_mixes_of_live_and_stored_jobs()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await Scenario.Generator.SampleAsync(
            async scenario =>
            {
                var (hub, rows) = await LoadAsync(scenario.Build());
                var filter = Filters[scenario.Filter];
                foreach (var offset in InterestingOffsets(hub, rows, filter).Append(scenario.Offset))
                {
                    foreach (var limit in Limits)
                    {
                        await AssertMatchesReferenceAsync(hub, rows, filter, offset, limit, cancellationToken);
                    }
                }
            },
            iter: 60,
            threads: 1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task An_old_live_job_far_below_the_others_leaves_every_row_in_between_listed(int filterIndex)
    {
        // Rows 1..40; live: 3 (old, with a row), 30 and 35 (with rows), 41 and 42 (no rows yet). The live range
        // [3, 42] holds 36 non-live rows, ids 1 and 2 lie below it and nothing above it.
        var rows = Enumerable.Range(1, 40).Select(i => Row(i, RowStatuses[i % 3], i % 2 == 0 ? "video" : "image")).ToList();
        var (hub, stored) = await LoadAsync((rows, [Live(3, JobStatus.Running, JobKind.Image), Live(30, JobStatus.Queued, JobKind.Video),
            Live(35, JobStatus.Completed, JobKind.Video), Live(41, JobStatus.Running, JobKind.Video), Live(42, JobStatus.Failed, JobKind.Image)]));

        await AssertEveryOffsetAsync(hub, stored, Filters[filterIndex]);
    }

    [Fact]
    public async Task Rows_newer_than_every_live_job_come_first_then_the_range_then_the_older_rows()
    {
        // Segment 1: rows 21..25 (above live 20); segment 2: rows 11..19 less live 15; segment 3: rows 1..9.
        var rows = Enumerable.Range(1, 25).Where(i => i != 10).Select(i => Row(i, "completed", "image")).ToList();
        var (hub, stored) = await LoadAsync((rows, [Live(10, JobStatus.Running, JobKind.Image), Live(15, JobStatus.Running, JobKind.Image),
            Live(20, JobStatus.Queued, JobKind.Image)]));
        var queries = new JobQueries(Factory(), hub);

        var page = await queries.ListAsync(JobFilter.None, offset: 0, limit: 50, TestContext.Current.CancellationToken);

        Assert.Equal([20L, 15, 10, 25, 24, 23, 22, 21, 19, 18, 17, 16, 14, 13, 12, 11, 9, 8, 7, 6, 5, 4, 3, 2, 1], page.Jobs.Select(j => j.Id));
        Assert.Equal(25, page.Total);
        await AssertEveryOffsetAsync(hub, stored, JobFilter.None);
    }

    [Fact]
    public async Task A_live_jobs_row_is_left_out_even_when_the_live_job_does_not_match_the_filter()
    {
        var (hub, stored) = await LoadAsync(([Row(1, "completed", "video"), Row(2, "completed", "video"), Row(3, "completed", "video")],
            [Live(2, JobStatus.Running, JobKind.Image)]));
        var queries = new JobQueries(Factory(), hub);

        var page = await queries.ListAsync(new JobFilter { Kind = JobKind.Video }, offset: 0, limit: 10, TestContext.Current.CancellationToken);

        Assert.Equal([3L, 1], page.Jobs.Select(j => j.Id));
        Assert.Equal(2, page.Total);
        await AssertEveryOffsetAsync(hub, stored, new JobFilter { Kind = JobKind.Video });
    }

    [Fact]
    public async Task With_an_empty_hub_the_list_is_the_stored_rows_newest_first()
    {
        var (hub, stored) = await LoadAsync(([.. Enumerable.Range(1, 12).Select(i => Row(i, RowStatuses[i % 3], "image"))], []));

        await AssertEveryOffsetAsync(hub, stored, JobFilter.None);
        await AssertEveryOffsetAsync(hub, stored, Filters[2]);
    }

    [Fact]
    public async Task Live_jobs_alone_without_any_rows_are_listed()
    {
        var (hub, stored) = await LoadAsync(([], [Live(7, JobStatus.Running, JobKind.Image), Live(9, JobStatus.Queued, JobKind.Video)]));

        await AssertEveryOffsetAsync(hub, stored, JobFilter.None);
        await AssertEveryOffsetAsync(hub, stored, Filters[1]);
    }

    [Fact]
    public async Task The_sql_never_carries_the_live_ids()
    {
        var rows = Enumerable.Range(1, 300).Select(i => Row(i, "completed", "image")).ToList();
        var live = Enumerable.Range(1, 2_000).Where(i => i % 3 != 0).Select(i => Live(i, JobStatus.Running, JobKind.Image)).ToList();
        var (hub, stored) = await LoadAsync((rows, live));
        var recorder = new CommandRecorder();
        var queries = new JobQueries(Factory(recorder), hub);

        foreach (var offset in new[] { 0, live.Count - 3, live.Count + 20, live.Count + 99 })
        {
            await AssertMatchesReferenceAsync(queries, hub, stored, JobFilter.None, offset, limit: 50, TestContext.Current.CancellationToken);
        }

        Assert.NotEmpty(recorder.Commands);
        Assert.All(recorder.Commands, c => Assert.True(c.Parameters <= 64 && c.Text.Length < 4_000, $"{c.Parameters} parameters: {c.Text}"));
    }

    private async Task AssertEveryOffsetAsync(ProgressHub hub, IReadOnlyList<ProductionJobRow> rows, JobFilter filter)
    {
        var total = Reference(hub, rows, filter, 0, 0).Total;
        for (var offset = 0; offset <= total + 2; offset++)
        {
            foreach (var limit in Limits)
            {
                await AssertMatchesReferenceAsync(hub, rows, filter, offset, limit, TestContext.Current.CancellationToken);
            }
        }
    }

    private Task AssertMatchesReferenceAsync(ProgressHub hub, IReadOnlyList<ProductionJobRow> rows, JobFilter filter, int offset, int limit, CancellationToken cancellationToken) =>
        AssertMatchesReferenceAsync(new JobQueries(Factory(), hub), hub, rows, filter, offset, limit, cancellationToken);

    private static async Task AssertMatchesReferenceAsync(JobQueries queries, ProgressHub hub, IReadOnlyList<ProductionJobRow> rows, JobFilter filter, int offset, int limit, CancellationToken cancellationToken)
    {
        var page = await queries.ListAsync(filter, offset, limit, cancellationToken);
        var expected = Reference(hub, rows, filter, offset, limit);
        var actual = (page.Jobs.Select(j => (j.Id, j.Title)).ToList(), page.Total);
        Assert.True(expected.Jobs.SequenceEqual(actual.Item1) && expected.Total == actual.Total,
            $"offset {offset}, limit {limit}: expected {Show(expected.Jobs)} of {expected.Total}, got {Show(actual.Item1)} of {actual.Total}");
    }

    /// <summary>The definition, naively: live jobs that match, newest first, then every matching row whose id is not live.</summary>
    private static (List<(long Id, string Title)> Jobs, int Total) Reference(ProgressHub hub, IReadOnlyList<ProductionJobRow> rows, JobFilter filter, int offset, int limit)
    {
        var liveIds = hub.Jobs.Select(j => j.Id).ToHashSet();
        var all = hub.Jobs.Where(filter.Matches).OrderByDescending(j => j.Id)
            .Concat(rows.Where(r => !liveIds.Contains(r.Id)).Select(JobRowMapper.ToSnapshot).Where(filter.Matches).OrderByDescending(j => j.Id))
            .Select(j => (j.Id, j.Title))
            .ToList();
        return ([.. all.Skip(offset).Take(limit)], all.Count);
    }

    /// <summary>Offsets at and around each boundary: inside the live jobs, the live/stored edge and the three stored segments.</summary>
    private static IEnumerable<int> InterestingOffsets(ProgressHub hub, IReadOnlyList<ProductionJobRow> rows, JobFilter filter)
    {
        var liveIds = hub.Jobs.Select(j => j.Id).ToList();
        var matching = rows.Where(r => !liveIds.Contains(r.Id)).Select(JobRowMapper.ToSnapshot).Where(filter.Matches).Select(j => j.Id).ToList();
        var liveCount = hub.Jobs.Count(filter.Matches);
        var above = liveIds.Count == 0 ? matching.Count : matching.Count(id => id > liveIds.Max());
        var between = liveIds.Count == 0 ? 0 : matching.Count(id => id >= liveIds.Min() && id <= liveIds.Max());
        int[] edges = [0, liveCount / 2, liveCount, liveCount + above / 2, liveCount + above, liveCount + above + between / 2,
            liveCount + above + between, liveCount + matching.Count, liveCount + matching.Count + 10];
        return edges.SelectMany(e => new[] { e - 1, e, e + 1 }).Where(o => o >= 0).Distinct();
    }

    private async Task<(ProgressHub Hub, IReadOnlyList<ProductionJobRow> Rows)> LoadAsync((List<ProductionJobRow> Rows, List<JobSnapshot> Live) data)
    {
        await using (var db = NewContext())
        {
            await db.ProductionJobs.ExecuteDeleteAsync(TestContext.Current.CancellationToken);
            db.ProductionJobs.AddRange(data.Rows);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var hub = new ProgressHub();
        foreach (var job in data.Live)
        {
            hub.Publish(job);
        }

        return (hub, data.Rows);
    }

    private ContextFactory Factory(params IInterceptor[] interceptors)
    {
        using var db = NewContext();
        return new ContextFactory(new DbContextOptionsBuilder<AnimeProgressDbContext>()
            .UseSqlite(db.Database.GetConnectionString())
            .AddInterceptors(interceptors)
            .Options);
    }

    private static string Show(List<(long Id, string Title)> jobs) => "[" + string.Join(", ", jobs.Select(j => j.Title)) + "]";

    private static ProductionJobRow Row(long id, string status, string kind) => new()
    {
        Id = id,
        Title = $"row {id}",
        Kind = kind,
        Status = status,
        CreatedAt = T0.AddMinutes(id),
        UpdatedAt = T0.AddMinutes(id),
        CompletedAt = status == "queued" ? null : T0.AddMinutes(id + 1),
    };

    private static ProductionJobRow Row(long id, JobStatus status, string kind) => Row(id, status.ToWire(), kind);

    private static JobSnapshot Live(long id, JobStatus status, JobKind kind) => new() { Id = id, Title = $"live {id}", Status = status, Kind = kind, Version = 1 };

    /// <summary>
    /// Ids 1..<see cref="Ids"/> each get a roll deciding whether they have a row, are live, and their status and kind.
    /// Live jobs cluster in a band below the top (as active jobs do), some are scattered, one may be old and far
    /// below, and a few may be newer than every row (live without rows yet).
    /// </summary>
    private sealed record Scenario(int[] Rolls, int Top, int Band, int Old, int Newer, int Filter, int Offset)
    {
        public static Gen<Scenario> Generator { get; } = Gen.Select(
            Gen.Int[0, 999].Array[0, 80], Gen.Int[0, 12], Gen.Int[0, 30], Gen.Int[0, 40], Gen.Int[0, 4], Gen.Int[0, Filters.Length - 1], Gen.Int[0, 140],
            (rolls, top, band, old, newer, filter, offset) => new Scenario(rolls, top, band, old, newer, filter, offset));

        private int Ids => Rolls.Length;

        public (List<ProductionJobRow> Rows, List<JobSnapshot> Live) Build()
        {
            var rows = new List<ProductionJobRow>();
            var live = new List<JobSnapshot>();
            for (var id = 1; id <= Ids; id++)
            {
                var roll = Rolls[id - 1];
                if (roll % 10 != 0)
                {
                    rows.Add(Row(id, RowStatuses[roll % 3], (roll / 3) % 2 == 0 ? "image" : "video"));
                }

                var inBand = id <= Ids - Top && id > Ids - Top - Band;
                if ((inBand && (roll / 10) % 3 != 0) || (roll / 10) % 25 == 7 || id == Old)
                {
                    live.Add(Live(id, LiveStatuses[(roll / 7) % LiveStatuses.Length], (roll / 5) % 2 == 0 ? JobKind.Image : JobKind.Video));
                }
            }

            for (var id = Ids + 1; id <= Ids + Newer; id++)
            {
                live.Add(Live(id, JobStatus.Queued, id % 2 == 0 ? JobKind.Image : JobKind.Video));
            }

            return (rows, live);
        }
    }

    private sealed class ContextFactory(DbContextOptions<AnimeProgressDbContext> options) : IDbContextFactory<AnimeProgressDbContext>
    {
        public AnimeProgressDbContext CreateDbContext() => new(options);
    }

    private sealed class CommandRecorder : DbCommandInterceptor
    {
        public List<(int Parameters, string Text)> Commands { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return ValueTask.FromResult(result);
        }

        private void Record(DbCommand command)
        {
            var text = command.CommandText + string.Concat(command.Parameters.Cast<DbParameter>().Select(p => p.Value as string));
            lock (Commands)
            {
                Commands.Add((command.Parameters.Count, text));
            }
        }
    }
}
