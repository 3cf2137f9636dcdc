using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace AnimeProgress.Web.Telemetry;

/// <summary>
/// <c>AnimeProgress:Metrics:Port</c>: a second, minimal Kestrel server that answers only <c>/metrics</c> on that port,
/// on every address of the machine and to whoever reaches it (the monitoring network), while the app's own address
/// no longer serves it. Its own server, not another address of the app's: the pages and the API stay off that port,
/// and the app's <c>--urls</c> stay as they are.
/// </summary>
internal sealed partial class MetricsPortServer(MeterProvider meters, IOptions<MetricsOptions> options, ILogger<MetricsPortServer> logger)
    : IHostedService, IAsyncDisposable
{
    private WebApplication? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var port = options.Value.Port ?? throw new InvalidOperationException($"{MetricsOptions.Section}:Port is not set.");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port));
        var server = builder.Build();
        server.MapPrometheusScrapingEndpoint(TelemetryRegistration.Path, meters, configureBranchedPipeline: null, optionsName: null);
        await server.StartAsync(cancellationToken);
        _server = server;
        LogListening(port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics for Prometheus at http://*:{Port}/metrics (AnimeProgress:Metrics:Port)")]
    private partial void LogListening(int port);
}
