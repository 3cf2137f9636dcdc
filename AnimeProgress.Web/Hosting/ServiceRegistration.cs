using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Api;
using AnimeProgress.Web.Relay;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Hosting.Edge;
using AnimeProgress.Web.Hosting.Registration;
using AnimeProgress.Web.Keys;
using AnimeProgress.Web.Limits;
using AnimeProgress.Web.Telemetry;
using AnimeProgress.Web.Notifications;
using AnimeProgress.Web.Queue;
using Serilog;

namespace AnimeProgress.Web.Hosting;

/// <summary>
/// Everything the app registers: each feature in its own file under Hosting/Registration (the API in Api/),
/// then the hosted services in their one stated start order (<see cref="HostedServiceStartOrder"/>).
/// </summary>
public static class ServiceRegistration
{
    public static WebApplicationBuilder AddAnimeProgress(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var features = AppFeatures.From(configuration);

        services.AddSerilog((sp, lc) => lc
            .ReadFrom.Configuration(configuration)
            .ReadFrom.Services(sp)
            .Enrich.FromLogContext());
        services.AddSingleton(TimeProvider.System);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));

        services.AddNetworkEdge(configuration); // proxies, hosts, origins, security headers (Hosting/Edge)
        services.AddInputLimits(configuration);
        services.AddRequestLimits(configuration); // per-client body, rate, /ws and circuit limits (Web/Limits)
        services.AddComfyUi(configuration);
        services.AddTracking(configuration);
        builder.AddPersistence(features);
        services.AddCluster(configuration, features);
        services.AddSubmission();
        services.AddFleetQueue(configuration); // the fleet queue, its dispatcher and actions (issue 16; Web/Queue, Core/Queue)
        services.AddDemo(configuration, features);
        services.AddReadinessChecks();
        services.AddDiagnostics(configuration);
        services.AddJobReadModel(); // one read model for the REST API, the job pages and the CLI (Web/Jobs/ReadModel)
        services.AddDashboard(configuration);
        services.AddProgressApi(configuration); // /ws, /api and the OpenAPI document (AnimeProgress.Web/Api)
        services.AddComfyUiRelay(configuration); // /comfyui/{instance}/: ComfyUI's own API, relayed (issue 17; Web/Relay)
        services.AddAccounts(configuration); // Identity accounts, the sign-in cookie, first start, access policies (Web/Accounts)
        services.AddSharedDataProtection(); // the cookie's keys in the database: shared by nodes, kept across restarts

        services.AddApiKeys(configuration); // API keys: scheme, verifier, store, keys page (Web/Keys)
        services.AddAuditLog(configuration); // who did what: buffer, queries, retention (Web/Audit)
        services.AddTelemetry(configuration); // meters, traces, /metrics and OTLP (Web/Telemetry)
        services.AddNotifications(configuration); // events, outbox, channels, rules (Web/Notifications)
        services.AddHostedServicesInStartOrder(features);
        return builder;
    }

    /// <summary>The database alone (options, validation, context factory): what the CLI commands need.</summary>
    public static WebApplicationBuilder AddAnimeProgressDatabase(this WebApplicationBuilder builder) => builder.AddDatabase();
}
