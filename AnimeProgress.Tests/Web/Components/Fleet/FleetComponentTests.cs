using AnimeProgress.Core.Boundary;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Queue;
using AnimeProgress.Web.Components.Fleet;
using AnimeProgress.Web.Components.Jobs;
using AnimeProgress.Web.Components.Pages;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Tests.Web.Components.Fleet;

public sealed class FleetComponentTests : ComponentTestContext
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"animeprogress-fleet-page-{Guid.NewGuid():N}.db");

    /// <summary>The page reads operators' drain and labels through the real capabilities, over a real (empty) SQLite file.</summary>
    public FleetComponentTests()
    {
        var contexts = new Contexts(_file);
        using (var db = contexts.CreateDbContext())
        {
            db.Database.EnsureCreated();
        }

        var fleet = new ComfyUiFleet(new NoHttp(), new NoObserver(), Options.Create(new ComfyUiOptions()), Time, NullLoggerFactory.Instance, Options.Create(new InputLimits()));
        var store = new FleetQueueStore(contexts, Time);
        Services.AddSingleton(new FleetCapabilities(fleet, Hub, store, Time, NullLogger<FleetCapabilities>.Instance));
    }

    private InstanceStatus Gpu(string name, bool online, int queue = 0, int attempt = 0) => new()
    {
        Name = name,
        BaseUrl = new Uri($"http://{name}:8188/"),
        Online = online,
        Since = Time.GetUtcNow().AddMinutes(-5),
        QueueRemaining = queue,
        ReconnectAttempt = attempt,
        NextRetryAt = online ? null : Time.GetUtcNow().AddSeconds(8),
        LastError = online ? null : "Connection refused",
        Devices = [new DeviceStats("cuda:0 RTX 4090", "cuda", 24L << 30, 12L << 30)],
        VramHistory = [0.1, 0.3, 0.5],
    };

    [Fact]
    public void An_instance_card_shows_reachability_queue_vram_and_the_last_error()
    {
        var cut = Render<InstanceCard>(p => p
            .Add(c => c.Instance, Gpu("gpu-2", online: false, queue: 3, attempt: 4))
            .Add(c => c.Now, Time.GetUtcNow()));

        Assert.Equal("Offline for 5m 0s; retry #4 in 8s", cut.Find("[data-testid=instance-state]").TextContent);
        Assert.Equal("3", cut.Find("[data-testid=instance-queue]").TextContent);
        Assert.Contains("12.0 / 24.0 GiB", cut.Find("[data-testid=vram]").TextContent, StringComparison.Ordinal);
        Assert.Equal("50", cut.Find("[data-testid=vram] [role=progressbar]").GetAttribute("aria-valuenow"));
        Assert.Contains("Connection refused", cut.Find(".job-card__error").TextContent, StringComparison.Ordinal);
        Assert.NotNull(cut.Find("svg.sparkline polyline"));
    }

    [Fact]
    public void The_fleet_page_lists_every_instance_and_follows_changes_live()
    {
        Hub.Publish(Gpu("gpu-1", online: true));
        Hub.Publish(Gpu("gpu-2", online: true));
        var cut = Render<FleetPage>();
        Assert.Equal(2, cut.FindAll(".instance-card").Count);

        Hub.Publish(Gpu("gpu-2", online: false, attempt: 1));

        cut.WaitForAssertion(() => Assert.Contains("instance-card--offline", cut.Find(".instance-card[data-instance=gpu-2]").ClassList));
    }

    [Fact]
    public void The_fleet_page_without_instances_says_how_to_configure_one()
    {
        var cut = Render<FleetPage>();

        Assert.Contains("AnimeProgress:ComfyUi:Instances:0:BaseUrl", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_job_without_step_detail_shows_no_percent_and_says_why()
    {
        var job = new JobSnapshot
        {
            Id = 7,
            Title = "webui prompt",
            Status = JobStatus.Running,
            Stage = Stage.Queued,
            Source = JobSource.External,
            StartedAt = Time.GetUtcNow(),
            UpdatedAt = Time.GetUtcNow(),
        };

        var cut = Render<JobCard>(p => p.Add(c => c.Job, job));

        Assert.Equal("—", cut.Find("[data-testid=percent]").TextContent);
        Assert.Null(cut.Find("[role=progressbar]").GetAttribute("aria-valuenow"));
        Assert.NotNull(cut.Find("[data-testid=no-step-detail]"));
        Assert.Contains("other client", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stalled_job_is_flagged_and_a_preview_is_shown_by_url_not_by_bytes()
    {
        var job = new JobSnapshot
        {
            Id = 8,
            Title = "slow cut",
            Status = JobStatus.Running,
            Stage = Stage.Rendering,
            Stalled = true,
            PreviewVersion = 3,
            UpdatedAt = Time.GetUtcNow(),
        };

        var cut = Render<JobCard>(p => p.Add(c => c.Job, job));

        Assert.Equal("Stalled", cut.Find("[data-testid=stalled]").TextContent);
        Assert.Equal("api/jobs/8/preview?v=3", cut.Find("img.job-card__preview").GetAttribute("src"));
    }

    [Fact]
    public void A_drained_instance_card_says_it_takes_nothing_new_and_shows_its_labels()
    {
        var cut = Render<InstanceCard>(p => p
            .Add(c => c.Instance, Gpu("gpu-1", online: true))
            .Add(c => c.Now, Time.GetUtcNow())
            .Add(c => c.Draining, true)
            .Add(c => c.Labels, ["video", "4090"]));

        Assert.Contains("takes nothing new", cut.Find("[data-testid=instance-drain]").TextContent, StringComparison.Ordinal);
        Assert.Contains("video", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("4090", cut.Markup, StringComparison.Ordinal);

        cut.Render(p => p.Add(c => c.Draining, false));
        Assert.Empty(cut.FindAll("[data-testid=instance-drain]"));
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    private sealed class Contexts(string file) : IDbContextFactory<AnimeProgressDbContext>
    {
        public AnimeProgressDbContext CreateDbContext() =>
            new(new DbContextOptionsBuilder<AnimeProgressDbContext>().UseSqlite($"Data Source={file};Pooling=False").Options);
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }

    private sealed class NoObserver : IInstanceObserver
    {
        public ValueTask ObserveAsync(InstanceObservation observation, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public IReadOnlyList<string> ActivePromptIds(string instance) => [];
    }
}
