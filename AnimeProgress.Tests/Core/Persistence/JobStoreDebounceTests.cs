using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.Persistence;

/// <summary>
/// What the store writes when: stage and status changes at once, progress at most once per flush interval,
/// nothing on a node that does not ingest, and a retired id's row removed. The store's clock is fake, so
/// "a second later" is exact; the hub delivers in real time.
/// </summary>
public sealed class JobStoreDebounceTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"animeprogress-debounce-{Guid.NewGuid():N}.db");
    private readonly TrackerHarness _h = new();
    private readonly ProgressHub _hub = new(TimeProvider.System);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(20000));

    private sealed class Factory(string file) : IDbContextFactory<AnimeProgressDbContext>
    {
        public AnimeProgressDbContext CreateDbContext() =>
            new(new DbContextOptionsBuilder<AnimeProgressDbContext>().UseSqlite($"Data Source={file}").Options);
    }

    private JobStore Store(IngestionGate gate) => new(
        new Factory(_file), _hub, _h.Tracker, gate, Options.Create(new DatabaseOptions()), Options.Create(new AnimeProgress.Core.Boundary.InputLimits()), _time, NullLogger<JobStore>.Instance);

    private static JobSnapshot Job(long version, Stage stage, double percent, JobStatus status = JobStatus.Running) => new()
    {
        Id = 1,
        Title = "Cut 1",
        Status = status,
        Stage = stage,
        Percent = percent,
        CreatedAt = DateTimeOffset.UnixEpoch.AddDays(20000),
        UpdatedAt = DateTimeOffset.UnixEpoch.AddDays(20000).AddSeconds(version),
        FinishedAt = status.IsTerminal() ? DateTimeOffset.UnixEpoch.AddDays(20000).AddSeconds(version) : null,
        Version = version,
    };

    [Fact]
    public async Task Progress_waits_for_the_interval_but_a_stage_change_is_written_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Store(JobStoreTests.LeadingGate());
        await store.StartAsync(ct);

        _hub.Publish(Job(1, Stage.Rendering, 10));
        await Eventually.True(() => Row()?.Progress == 10, what: "a new job written at once");

        _hub.Publish(Job(2, Stage.Rendering, 20));
        _hub.Publish(Job(3, Stage.Rendering, 30));
        await Eventually.True(() => store.PendingWrites == 1, what: "progress held back");
        await Task.Delay(300, ct);
        Assert.Equal(10, Row()!.Progress);

        _hub.Publish(Job(4, Stage.PostProcessing, 80));
        await Eventually.True(() => Row() is { Progress: 80, CurrentStage: "Post-processing" }, what: "the stage change written without waiting");

        _hub.Publish(Job(5, Stage.PostProcessing, 90));
        await Eventually.True(() => store.PendingWrites == 1, what: "progress held back again");
        _time.Advance(TimeSpan.FromSeconds(1.1));
        await Eventually.True(() => Row()?.Progress == 90, what: "held progress written once the interval passed");

        _hub.Publish(Job(6, Stage.Completed, 100, JobStatus.Completed));
        await Eventually.True(() => Row()?.Status == "completed", what: "the outcome written at once");
        await store.StopAsync(ct);
    }

    [Fact]
    public async Task A_node_that_does_not_ingest_writes_nothing_and_shows_the_rows()
    {
        var ct = TestContext.Current.CancellationToken;
        var leader = Store(JobStoreTests.LeadingGate());
        await leader.StartAsync(ct);
        _hub.Publish(Job(1, Stage.Rendering, 40));
        await Eventually.True(() => Row()?.Progress == 40, what: "the leader's write");
        await leader.StopAsync(ct);

        var followerHub = new ProgressHub(TimeProvider.System);
        var follower = new JobStore(new Factory(_file), followerHub, _h.Tracker, new IngestionGate(), Options.Create(new DatabaseOptions()), Options.Create(new AnimeProgress.Core.Boundary.InputLimits()), _time, NullLogger<JobStore>.Instance);
        await follower.StartAsync(ct);
        Assert.Equal(40, followerHub.Find(1)?.Percent);

        followerHub.Publish(Job(9, Stage.Rendering, 70));
        await Task.Delay(300, ct);
        await follower.FlushAsync(ct);
        Assert.Equal(0, follower.PendingWrites);
        Assert.Equal(40, Row()!.Progress);
        await follower.StopAsync(ct);
    }

    [Fact]
    public async Task A_finished_row_is_never_turned_back_into_a_running_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Store(JobStoreTests.LeadingGate());
        await store.StartAsync(ct);
        _hub.Publish(Job(5, Stage.Completed, 100, JobStatus.Completed));
        await Eventually.True(() => Row()?.Status == "completed", what: "the outcome written");

        // A held in-progress state (an old leader's, late after an outage) arrives after the outcome.
        _hub.Publish(Job(9, Stage.Rendering, 60));
        await Eventually.True(() => store.PendingWrites == 0, what: "the late state taken");
        await store.FlushAsync(ct);
        Assert.Equal(("completed", 100.0), (Row()!.Status, Row()!.Progress));
        await store.StopAsync(ct);
    }

    [Fact]
    public async Task A_retired_id_loses_its_row()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Store(JobStoreTests.LeadingGate());
        await store.StartAsync(ct);
        _hub.Publish(Job(1, Stage.Rendering, 40));
        await Eventually.True(() => Row() is not null, what: "the row written");

        _hub.Retire(1);
        await store.FlushAsync(ct);
        Assert.Null(Row());
        Assert.Null(_hub.Find(1));
        await store.StopAsync(ct);
    }

    private ProductionJobRow? Row()
    {
        using var db = new Factory(_file).CreateDbContext();
        return db.Database.CanConnect() && File.Exists(_file) ? db.ProductionJobs.AsNoTracking().SingleOrDefault(r => r.Id == 1) : null;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }
}
