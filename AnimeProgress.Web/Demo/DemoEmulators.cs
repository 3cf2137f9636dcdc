using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Web.Hosting;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Demo;

/// <summary>
/// Starts the demo's ComfyUI emulators on loopback and adds them to the fleet as ordinary
/// instances: the demo is monitored through the same client as a real ComfyUI.
/// </summary>
public sealed partial class DemoEmulators(ComfyUiFleet fleet, IOptions<DemoOptions> options, ILogger<DemoEmulators> logger) : IHostedService, IAsyncDisposable
{
    private readonly List<ComfyUiEmulatorServer> _servers = [];

    public IReadOnlyList<ComfyUiEmulatorServer> Servers => _servers;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var i = 1; i <= options.Value.Instances; i++)
        {
            var server = await ComfyUiEmulatorServer.StartAsync(
                new EmulatorOptions { Port = 0, TimeScale = options.Value.TimeScale }, cancellationToken);
            _servers.Add(server);
            var name = $"{options.Value.InstanceName}-{i}";
            fleet.Add(new ComfyUiInstance(name, server.BaseUrl));
            LogStarted(name, server.BaseUrl);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var server in _servers)
        {
            await server.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo ComfyUI emulator {Instance} started at {BaseUrl} (the app watches it; the address to open follows)")]
    private partial void LogStarted(string instance, Uri baseUrl);
}
