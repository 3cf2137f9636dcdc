using AnimeProgress.Core.Ingestion;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Eta;
using AnimeProgress.Core.Persistence.History;
using AnimeProgress.Core.Persistence.Postgres;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Web.Demo;
using AnimeProgress.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AnimeProgress.Tests.Web.Hosting;

/// <summary>
/// The host starts hosted services in the order it resolves them; this pins the app's start order
/// (see HostedServiceStartOrder for why each comes where) for each shape the app can take.
/// </summary>
public sealed class HostedServiceOrderTests
{
    /// <summary>
    /// Last in every shape: the key jobs, the session sweep and the audit log's retention sweep need the schema, nothing
    /// else needs them (the audit log's writer starts right after the store: it needs only the schema).
    /// </summary>
    private static readonly Type[] Keys =
    [
        typeof(AnimeProgress.Web.Keys.ConfiguredTokenImport), typeof(AnimeProgress.Web.Keys.ApiKeyUsageWriter), typeof(AnimeProgress.Web.Accounts.Sessions.SessionSweep),
        typeof(AnimeProgress.Web.Audit.AuditRetentionSweep), typeof(AnimeProgress.Core.Persistence.History.ProgressHistoryRetentionService),
        typeof(AnimeProgress.Core.Notifications.NotificationDetector), typeof(AnimeProgress.Web.Notifications.NotificationSender),
    ];

    [Fact]
    public async Task The_demo_starts_store_eta_runs_tracker_emulators_fleet_generator_history()
    {
        var order = await StartOrderAsync(new Dictionary<string, string?> { ["AnimeProgress:Demo:Enabled"] = "true" });

        Assert.Equal(
            [typeof(JobStore), typeof(EtaRunStore), typeof(AnimeProgress.Web.Audit.AuditWriter), typeof(ProgressTracker), typeof(DemoEmulators), typeof(LeaderIngestion), typeof(AnimeProgress.Core.Queue.FleetDispatcher), typeof(DemoJobGenerator), typeof(ProgressHistoryRecorder), .. Keys],
            order);
    }

    [Fact]
    public async Task With_a_metrics_port_its_server_starts_last_once_everything_it_measures_runs()
    {
        var order = await StartOrderAsync(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = "http://127.0.0.1:9",
            ["AnimeProgress:Metrics:Port"] = "9464",
        });

        Assert.Equal(
            [typeof(JobStore), typeof(EtaRunStore), typeof(AnimeProgress.Web.Audit.AuditWriter), typeof(ProgressTracker), typeof(LeaderIngestion), typeof(AnimeProgress.Core.Queue.FleetDispatcher),
                typeof(ProgressHistoryRecorder), .. Keys, typeof(AnimeProgress.Web.Telemetry.MetricsPortServer)],
            order);
    }

    [Fact]
    public async Task With_a_relay_port_its_server_comes_last_and_listens_once_the_dashboard_does()
    {
        var order = await StartOrderAsync(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = "http://127.0.0.1:9",
            ["AnimeProgress:Relay:Port"] = "8189",
        });

        Assert.Equal(
            [typeof(JobStore), typeof(EtaRunStore), typeof(AnimeProgress.Web.Audit.AuditWriter), typeof(ProgressTracker), typeof(LeaderIngestion), typeof(AnimeProgress.Core.Queue.FleetDispatcher),
                typeof(ProgressHistoryRecorder), .. Keys, typeof(AnimeProgress.Web.Relay.Port.RelayPortServer)],
            order);
        Assert.True(typeof(IHostedLifecycleService).IsAssignableFrom(typeof(AnimeProgress.Web.Relay.Port.RelayPortServer)));
    }

    [Fact]
    public async Task A_single_node_on_sqlite_starts_store_eta_runs_tracker_fleet_history()
    {
        var order = await StartOrderAsync(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = "http://127.0.0.1:9",
        });

        Assert.Equal([typeof(JobStore), typeof(EtaRunStore), typeof(AnimeProgress.Web.Audit.AuditWriter), typeof(ProgressTracker), typeof(LeaderIngestion), typeof(AnimeProgress.Core.Queue.FleetDispatcher), typeof(ProgressHistoryRecorder), .. Keys], order);
    }

    [Fact]
    public async Task A_cluster_node_listens_and_elects_before_the_fleet_connects()
    {
        var order = await StartOrderAsync(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = "http://127.0.0.1:9",
            ["AnimeProgress:Database:Provider"] = "Postgres",
            ["ConnectionStrings:AnimeProduction"] = "Host=127.0.0.1;Port=9;Username=none;Password=none",
        });

        Assert.Equal(
            [
                typeof(JobStore), typeof(EtaRunStore), typeof(AnimeProgress.Web.Audit.AuditWriter), typeof(ProgressTracker), typeof(PostgresJobListener), typeof(LeaderElection),
                typeof(InstanceStatusStore), typeof(LeaderIngestion), typeof(AnimeProgress.Core.Queue.FleetDispatcher), typeof(ProgressHistoryRecorder), .. Keys,
            ],
            order);
    }

    [Fact]
    public async Task Postgres_without_a_cluster_listens_but_does_not_elect()
    {
        var order = await StartOrderAsync(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = "http://127.0.0.1:9",
            ["AnimeProgress:Database:Provider"] = "Postgres",
            ["AnimeProgress:Cluster:Enabled"] = "false",
            ["ConnectionStrings:AnimeProduction"] = "Host=127.0.0.1;Port=9;Username=none;Password=none",
        });

        Assert.Equal([typeof(JobStore), typeof(EtaRunStore), typeof(AnimeProgress.Web.Audit.AuditWriter), typeof(ProgressTracker), typeof(PostgresJobListener), typeof(LeaderIngestion), typeof(AnimeProgress.Core.Queue.FleetDispatcher), typeof(ProgressHistoryRecorder), .. Keys], order);
    }

    [Fact]
    public async Task Data_protection_reads_its_keys_only_after_the_store_made_the_schema_they_live_in()
    {
        var order = await StartOrderAsync(new Dictionary<string, string?> { ["AnimeProgress:Demo:Enabled"] = "true" }, ownOnly: false);

        var store = order.IndexOf(typeof(JobStore));
        var warmUp = order.FindIndex(t => t.FullName == AnimeProgress.Web.Hosting.Registration.HostedServiceStartOrder.DataProtectionWarmUp);
        Assert.True(store >= 0 && warmUp > store, $"store at {store}, Data Protection's warm-up at {warmUp}");
    }

    /// <summary>The app's own hosted services in the order the host will start them (nothing is started).</summary>
    private static async Task<List<Type>> StartOrderAsync(Dictionary<string, string?> settings, bool ownOnly = true)
    {
        var data = Directory.CreateTempSubdirectory("animeprogress-order-").FullName;
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, ContentRootPath = data });
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Configuration["AnimeProgress:Database:DataDirectory"] = data;
            builder.AddAnimeProgress();
            await using var app = builder.Build();
            return app.Services.GetServices<IHostedService>()
                .Select(s => s.GetType())
                .Where(t => !ownOnly || t.Assembly.GetName().Name!.StartsWith("AnimeProgress.", StringComparison.Ordinal))
                .ToList();
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
