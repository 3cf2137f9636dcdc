using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Tests.Web.Components;
using AnimeProgress.Web.Jobs.ReadModel;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.Tests.Web.Jobs.ReadModel;

/// <summary>
/// A list mixes live jobs (filtered in memory) and stored ones (filtered in SQL): both halves must keep the same jobs.
/// Checked against a real SQLite file, with the stored rows' snapshots standing in for live jobs.
/// </summary>
public sealed class JobFilterTests : HistoryTestContext
{
    public static TheoryData<string> Filters => [.. Cases.Keys];

    private static readonly Dictionary<string, JobFilter> Cases = new()
    {
        ["none"] = JobFilter.None,
        ["failed or queued"] = new() { Statuses = new HashSet<JobStatus> { JobStatus.Failed, JobStatus.Queued } },
        ["no status"] = new() { Statuses = new HashSet<JobStatus>() },
        ["video"] = new() { Kind = JobKind.Video },
        ["instance"] = new() { Instance = "gpu-2" },
        ["title any case"] = new() { Title = "SAKURA" },
        ["title or prompt"] = new() { TitleOrPrompt = "prompt-3" },
        ["test prefix"] = new() { TitlePrefix = "[test] " },
        ["open"] = new() { HasFinishTime = false },
        ["my jobs"] = new() { SubmittedBy = "mika" },
        ["finished in range"] = new() { HasFinishTime = true, FinishedFrom = T0.AddMinutes(30), FinishedBefore = T0.AddHours(3) },
    };

    public JobFilterTests()
    {
        Store(
            By(Finished(1, T0, TimeSpan.FromMinutes(2), title: "Sakura close-up"), "mika"),
            By(Finished(2, T0.AddHours(1), TimeSpan.FromMinutes(4), kind: "video", instance: "gpu-2", title: "[test] sakura wide"), "Mika"),
            By(Finished(3, T0.AddHours(2), TimeSpan.FromMinutes(1), status: "failed", kind: "video", instance: "gpu-2", title: "Ending"), "mika"),
            new ProductionJobRow { Id = 4, Title = "[TEST] queued", Status = "queued", CreatedAt = T0, UpdatedAt = T0 });
    }

    private static ProductionJobRow By(ProductionJobRow row, string submitter)
    {
        row.SubmittedBy = submitter;
        return row;
    }

    [Fact]
    public async Task My_jobs_are_the_ones_submitted_under_exactly_my_name_live_and_stored()
    {
        var queries = new JobQueries(Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<AnimeProgressDbContext>>());
        var mine = new JobFilter { SubmittedBy = "mika" };

        var stored = await queries.ReadRowsAsync(mine, JobSort.Id, descending: false, take: null, TestContext.Current.CancellationToken);
        var all = await queries.ReadRowsAsync(JobFilter.None, JobSort.Id, descending: false, take: null, TestContext.Current.CancellationToken);

        // Another account whose name differs only in case, and a job another program wrote (null), are not mine.
        Assert.Equal([1L, 3L], stored.Select(r => r.Id));
        Assert.Equal([1L, 3L], all.Select(JobRowMapper.ToSnapshot).Where(mine.Matches).Select(j => j.Id));
        Assert.Equal("mika", JobRowMapper.ToSnapshot(stored[0]).SubmittedBy);
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Live_and_stored_jobs_are_filtered_alike(string name)
    {
        var filter = Cases[name];
        var queries = new JobQueries(Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<AnimeProgressDbContext>>());

        var all = await queries.ReadRowsAsync(JobFilter.None, JobSort.Id, descending: false, take: null, TestContext.Current.CancellationToken);
        var stored = await queries.ReadRowsAsync(filter, JobSort.Id, descending: false, take: null, TestContext.Current.CancellationToken);

        Assert.Equal(all.Select(JobRowMapper.ToSnapshot).Where(filter.Matches).Select(j => j.Id), stored.Select(r => r.Id));
        Assert.Equal(stored.Count, await queries.CountStoredAsync(filter, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Without_a_hub_the_list_is_the_database_alone_newest_first()
    {
        var queries = new JobQueries(Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<AnimeProgressDbContext>>());

        var page = await queries.ListAsync(new JobFilter { Kind = JobKind.Video }, offset: 0, limit: 1, TestContext.Current.CancellationToken);

        Assert.Equal(2, page.Total);
        Assert.Equal([3L], page.Jobs.Select(j => j.Id));
    }
}
