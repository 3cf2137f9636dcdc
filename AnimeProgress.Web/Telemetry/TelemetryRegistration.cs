using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Persistence.WriteBehind;
using AnimeProgress.Core.Telemetry;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Web.Hosting;
using AnimeProgress.Web.Hosting.Registration;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AnimeProgress.Web.Telemetry;

/// <summary>
/// OpenTelemetry: the project's own meters (every <c>AnimeProgress*</c> meter, including ones other features add later),
/// ASP.NET Core, HttpClient, Npgsql, the runtime and the process; exported to Prometheus (<c>/metrics</c>, or its own
/// port) and, when a collector is configured, over OTLP together with the job traces.
/// </summary>
public static class TelemetryRegistration
{
    /// <summary>The standard variable the OTLP exporter reads when <c>AnimeProgress:Metrics:OtlpEndpoint</c> is unset.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<MetricsOptions, MetricsOptionsValidator>(configuration, MetricsOptions.Section);

        // The instruments live where the work happens; with nothing listening a measurement costs a check and no more.
        services.AddMetrics();
        services.AddSingleton<HubMetrics>();
        services.AddSingleton<TrackerMetrics>();
        services.AddSingleton<WriteBehindMetrics>();
        services.AddSingleton<FleetMetrics>();
        services.AddSingleton<ViewerMetrics>();
        services.AddSingleton<MetricsPortServer>();

        // Decided here, at registration; the validator above fails the start on a bad value, naming the key.
        var options = configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new MetricsOptions();
        if (!options.Enabled)
        {
            return services;
        }

        var otlp = options.OtlpEndpoint is { } endpoint
            ? MetricsOptionsValidator.IsHttpUrl(endpoint)
            : !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]);
        var otel = services.AddOpenTelemetry().ConfigureResource(r => r.AddService("animeprogress"));
        otel.WithMetrics(metrics =>
        {
            metrics.AddMeter(TelemetryNames.Wildcard)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddNpgsqlInstrumentation();

            // The gauges that only read state are made with the provider, so they exist before the first scrape.
            (metrics as IDeferredMeterProviderBuilder)?.Configure((sp, _) =>
            {
                sp.GetRequiredService<FleetMetrics>();
                sp.GetRequiredService<ViewerMetrics>();
            });

            // Every scrape reads the meters afresh: Prometheus asks every few seconds at most. Served on the app's
            // address (MapMetrics) or on AnimeProgress:Metrics:Port (MetricsPortServer).
            metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);

            if (otlp)
            {
                metrics.AddOtlpExporter(o => UseEndpoint(o, options));
            }
        });

        if (otlp)
        {
            otel.WithTracing(tracing => tracing
                .AddSource(TelemetryNames.Wildcard)
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.Filter = context => !IsQuiet(context.Request.Path);
                    // Every open circuit calls its SignalR hub for each render it acknowledges: one span per viewer per
                    // render, which grew the CPU cost of tracing with the viewers. A job's own spans follow it to the
                    // circuit render (JobTracing) instead.
                    o.EnableAspNetCoreSignalRSupport = false;
                })
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter(o => UseEndpoint(o, options)));
        }

        return services;
    }

    /// <summary><c>/metrics</c> on the app's own address, behind its access rule; nothing when a metrics port is set.</summary>
    public static WebApplication MapMetrics(this WebApplication app)
    {
        var options = app.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new MetricsOptions();
        if (options.Enabled && options.Port is null)
        {
            app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, branch => branch.UseMiddleware<MetricsAccess>(), optionsName: null);
        }

        return app;
    }

    public const string Path = "/metrics";

    /// <summary>True when <c>/metrics</c> is served on a port of its own (<see cref="MetricsPortServer"/> runs).</summary>
    public static bool UsesOwnPort(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{MetricsOptions.Section}:Port"])
        && SwitchSetting.Read(configuration, $"{MetricsOptions.Section}:Enabled") != false;

    private static void UseEndpoint(OtlpExporterOptions exporter, MetricsOptions options)
    {
        // Unset: the exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and _PROTOCOL) itself.
        if (options.OtlpEndpoint is { } endpoint)
        {
            exporter.Endpoint = endpoint;
            exporter.Protocol = options.OtlpProtocol == OtlpProtocol.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        }
    }

    // Scrapes and probes every few seconds would bury the traces that matter.
    private static bool IsQuiet(PathString path) =>
        path.StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/readyz", StringComparison.OrdinalIgnoreCase);
}
