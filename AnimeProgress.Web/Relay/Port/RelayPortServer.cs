using System.Globalization;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Relay.Port;

/// <summary>
/// <c>AnimeProgress:Relay:Port</c>: a second Kestrel server in the app, on the dashboard's hosts at that port, that
/// runs only the relay (<see cref="RelayPortPipeline"/>) with the app's own services. A server of its own rather than
/// another address of the app's: the app's <c>--urls</c>, <c>ASPNETCORE_URLS</c> or Kestrel endpoints stay as they
/// are, and nothing of the dashboard can answer there. Started once the dashboard listens, so its port is known and
/// a clash is refused by name.
/// </summary>
public sealed partial class RelayPortServer(
    IServer dashboard,
    IConnectionListenerFactory transport,
    IHttpContextFactory contexts,
    IServiceProvider services,
    IOptions<RelayOptions> options,
    RelayPortBinding binding,
    ILoggerFactory loggers,
    ILogger<RelayPortServer> logger) : IHostedLifecycleService, IAsyncDisposable
{
    private KestrelServer? _server;

    /// <summary>The relay port's pipeline, built with the app's (<see cref="RelayPortPipeline.UseComfyUiRelayPort"/>).</summary>
    public RequestDelegate? Pipeline { get; set; }

    /// <summary>Where the relay port listens, once started (with the real port when 0 was configured).</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var key = $"{RelayOptions.Section}:{nameof(RelayOptions.Port)}";
        var port = options.Value.Port ?? throw new InvalidOperationException($"{key} is not set.");
        var pipeline = Pipeline ?? throw new InvalidOperationException($"{key} is set but the relay port's pipeline was not built (UseComfyUiRelayPort).");
        var dashboardAddresses = dashboard.Features.Get<IServerAddressesFeature>()?.Addresses.Select(a => new Uri(a)).ToList() ?? [];
        if (port != 0 && dashboardAddresses.Any(a => a.Port == port))
        {
            throw new InvalidOperationException($"{key} ({port}) is the dashboard's own port; give the relay a port of its own (docs/relay.md).");
        }

        var server = new KestrelServer(
            Options.Create(new KestrelServerOptions { ApplicationServices = services, AddServerHeader = false }), transport, loggers);
        var addresses = server.Features.Get<IServerAddressesFeature>()!.Addresses;
        foreach (var host in HostsFor(dashboardAddresses, port))
        {
            addresses.Add(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}"));
        }

        await server.StartAsync(new RelayPortApplication(pipeline, contexts, logger), cancellationToken);
        _server = server;
        Addresses = [.. addresses.Select(a => new Uri(a))];
        binding.Port = Addresses[0].Port;
        var listening = string.Join(", ", Addresses);
        LogListening(listening, key);
    }

    public Task StoppingAsync(CancellationToken cancellationToken) =>
        _server is null ? Task.CompletedTask : _server.StopAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The dashboard's hosts (its loopback, an interface, every interface); every interface when it has none known.
    /// Port 0 takes one free port, so one host only: several would each get a different port.
    /// </summary>
    private static IEnumerable<string> HostsFor(IReadOnlyList<Uri> dashboardAddresses, int port)
    {
        var hosts = dashboardAddresses.Select(a => a.Host switch
        {
            // Kestrel takes "localhost" as both loopbacks, but not with port 0.
            "localhost" when port == 0 => "127.0.0.1",
            _ => a.Host,
        }).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (hosts.Count == 0)
        {
            hosts.Add(port == 0 ? "127.0.0.1" : "*");
        }

        return port == 0 ? hosts.Take(1) : hosts;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ComfyUI relay with its frontend at {Addresses}/comfyui/<instance>/ ({Key})")]
    private partial void LogListening(string addresses, string key);
}
