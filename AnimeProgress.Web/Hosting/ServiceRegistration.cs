using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Submission;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Web.Api;
using AnimeProgress.Web.Demo;
using AnimeProgress.Web.Health;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Serilog;

namespace AnimeProgress.Web.Hosting;

/// <summary>Everything the app registers, in the order the live path needs it started.</summary>
public static class ServiceRegistration
{
    public static WebApplicationBuilder AddAnimeProgress(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddSerilog((sp, lc) => lc
            .ReadFrom.Configuration(configuration)
            .ReadFrom.Services(sp)
            .Enrich.FromLogContext());

        services.AddSingleton(TimeProvider.System);
        BindOptions<ComfyUiOptions, ComfyUiOptionsValidator>(services, configuration.GetSection(ComfyUiOptions.Section));
        // An instance given only a BaseUrl is named after its host and port ("127.0.0.1:8188").
        services.PostConfigure<ComfyUiOptions>(o =>
        {
            foreach (var instance in o.Instances.Where(i => string.IsNullOrWhiteSpace(i.Name)))
            {
                instance.Name = Uri.TryCreate(instance.BaseUrl, UriKind.Absolute, out var url) ? url.Authority : null;
            }
        });
        BindOptions<DemoOptions, DemoOptionsValidator>(services, configuration.GetSection(DemoOptions.Section));
        BindOptions<DashboardOptions, DashboardOptionsValidator>(services, configuration.GetSection(DashboardOptions.Section));
        services.AddOptions<TrackerOptions>().Bind(configuration.GetSection(TrackerOptions.Section)).ValidateOnStart();

        // A bad stage name in AnimeProgress:StageMap fails here, at start, naming the key.
        var stageMap = StageMap.FromConfiguration(
            configuration.GetSection("AnimeProgress:StageMap").GetChildren().ToDictionary(c => c.Key, c => c.Value ?? ""));
        services.AddSingleton(stageMap);

        services.AddHttpClient(ComfyUiFleet.HttpClientName)
            .AddStandardResilienceHandler(o =>
            {
                // A POST /prompt retried blindly could queue a job twice.
                o.Retry.DisableForUnsafeHttpMethods();
                o.Retry.MaxRetryAttempts = 2;
                o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(20);
            })
            // One breaker per ComfyUI machine: a dead instance must not block requests to the others.
            .SelectPipelineByAuthority();

        builder.AddAnimeProgressDatabase();

        // Start order matters: the store restores jobs, then the tracker folds, then instances connect, then the demo submits.
        AddCluster(builder);
        services.AddSingleton<ProgressHub>();
        services.AddSingleton<AnimeProgress.Core.Previews.PreviewStore>();
        services.AddSingleton<AnimeProgress.Core.Estimation.IEtaModel, AnimeProgress.Core.Estimation.StageAwareEtaModel>();
        services.AddSingleton<ProgressTracker>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<ComfyUiFleet>();
        services.AddSingleton<JobSubmitter>();
        services.AddHostedService(sp => sp.GetRequiredService<JobStore>());
        services.AddHostedService(sp => sp.GetRequiredService<ProgressTracker>());
        if (IsDemoEnabled(configuration))
        {
            services.AddSingleton<DemoEmulators>();
            services.AddHostedService(sp => sp.GetRequiredService<DemoEmulators>());
        }

        // PostgreSQL: push from the database to every node, and the election of the one that ingests.
        if (UsesPostgres(configuration))
        {
            services.AddSingleton<IJobIdSource, AnimeProgress.Core.Persistence.Postgres.PostgresJobIds>();
            services.AddSingleton<AnimeProgress.Core.Persistence.Postgres.PostgresJobListener>();
            services.AddHostedService(sp => sp.GetRequiredService<AnimeProgress.Core.Persistence.Postgres.PostgresJobListener>());
            if (IsClusterEnabled(configuration))
            {
                services.AddHostedService<AnimeProgress.Core.Persistence.Postgres.LeaderElection>();
                services.AddHostedService<InstanceStatusStore>();
            }
        }

        services.AddHostedService(sp => sp.GetRequiredService<ComfyUiFleet>());
        if (IsDemoEnabled(configuration) && DemoJobGenerator.IsEnabled(configuration))
        {
            services.AddHostedService<DemoJobGenerator>();
        }

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<ComfyUiHealthCheck>("comfyui", tags: ["ready"])
            .AddCheck<IngestionHealthCheck>("ingestion", tags: ["ready"]);

        services.AddOptions<Diagnostics.DiagnosticsOptions>().Bind(configuration.GetSection(Diagnostics.DiagnosticsOptions.Section));
        services.AddSingleton<Diagnostics.CircuitCounter>();
        services.AddSingleton<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<Diagnostics.CircuitCounter>());
        services.AddMudServices();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddProgressApi(configuration); // issue 6: /ws, /api, progress_history (AnimeProgress.Web/Api)
        services.AddJobReadModel(); // issues 5, 6, 12: one read model for the API, the job pages and the CLI (AnimeProgress.Web/Jobs/ReadModel)
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        return builder;
    }

    private static bool UsesPostgres(IConfiguration configuration) =>
        string.Equals(configuration[$"{DatabaseOptions.Section}:Provider"], nameof(DatabaseProvider.Postgres), StringComparison.OrdinalIgnoreCase);

    /// <summary>Leader election runs with PostgreSQL unless switched off; SQLite serves a single node.</summary>
    public static bool IsClusterEnabled(IConfiguration configuration)
    {
        if (SwitchSetting.Read(configuration, $"{ClusterOptions.Section}:Enabled") is not { } enabled)
        {
            return UsesPostgres(configuration);
        }

        if (enabled && !UsesPostgres(configuration))
        {
            throw new InvalidOperationException($"{ClusterOptions.Section}:Enabled needs {DatabaseOptions.Section}:Provider = Postgres (nodes share it).");
        }

        return enabled;
    }

    private static void AddCluster(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var clustered = IsClusterEnabled(configuration);
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.Section)).ValidateOnStart()
            .Validate(o => o.LeaseCheckInterval > TimeSpan.Zero && o.LeaseCheckInterval <= TimeSpan.FromSeconds(5),
                $"{ClusterOptions.Section}:LeaseCheckInterval must be between 0 and 5 seconds (another node must take over within 10 s).");
        services.AddSingleton(sp =>
        {
            var gate = new IngestionGate();
            if (!clustered)
            {
                // A single node always ingests.
                gate.Grant(sp.GetRequiredService<TimeProvider>().GetUtcNow());
            }

            return gate;
        });
        if (clustered)
        {
            // Every node submits and listens under one client id, so a new leader keeps receiving the step
            // progress of jobs the previous one submitted.
            services.PostConfigure<ComfyUiOptions>(o =>
            {
                if (string.IsNullOrWhiteSpace(o.ClientId))
                {
                    var schema = configuration[$"{DatabaseOptions.Section}:Schema"];
                    o.ClientId = "animeprogress-" + (string.IsNullOrWhiteSpace(schema) ? DatabaseOptions.DefaultSchema : schema);
                }
            });
        }
    }

    /// <summary>The demo runs when asked to, or by default when no ComfyUI instance is configured.</summary>
    public static bool IsDemoEnabled(IConfiguration configuration)
    {
        return SwitchSetting.Read(configuration, $"{DemoOptions.Section}:Enabled")
            ?? !configuration.GetSection($"{ComfyUiOptions.Section}:Instances").GetChildren().Any();
    }

    /// <summary>The database alone (options, validation, context factory): what the dashboard and the CLI commands share.</summary>
    public static WebApplicationBuilder AddAnimeProgressDatabase(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        BindOptions<DatabaseOptions, DatabaseOptionsValidator>(builder.Services, configuration.GetSection(DatabaseOptions.Section));
        var connectionString = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
        var provider = configuration[$"{DatabaseOptions.Section}:Provider"];
        var usePostgres = string.Equals(provider, nameof(DatabaseProvider.Postgres), StringComparison.OrdinalIgnoreCase);
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddDbContextFactory<AnimeProgressDbContext>((sp, options) =>
        {
            if (usePostgres)
            {
                // Every table in AnimeProgress:Database:Schema (default anime_api).
                var schema = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Schema;
                AnimeProgress.Core.Persistence.Postgres.PostgresModel.UseSchema(options, connectionString, schema);
                return;
            }

            var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var sqlite = connectionString;
            if (string.IsNullOrWhiteSpace(sqlite))
            {
                var folder = Path.GetFullPath(database.DataDirectory, contentRoot);
                Directory.CreateDirectory(folder);
                sqlite = $"Data Source={Path.Combine(folder, "animeprogress.db")}";
            }

            options.UseSqlite(sqlite);
        });
        return builder;
    }

    private static void BindOptions<TOptions, TValidator>(IServiceCollection services, IConfigurationSection section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }
}
