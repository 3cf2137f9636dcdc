using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Tracking;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.ComfyUi;

/// <summary>
/// Every monitored ComfyUI instance and its connection. Instances come from configuration, or
/// are added before start (the demo adds its loopback emulators); each runs its own loop, so
/// one instance failing never affects another. Connections run only while this node holds the
/// ingestion lease (always, on a single node; on the elected leader in a cluster).
/// </summary>
public sealed class ComfyUiFleet(
    IHttpClientFactory httpClients,
    ProgressTracker tracker,
    IngestionGate ingestion,
    IOptions<ComfyUiOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    public const string HttpClientName = "comfyui";

    private readonly List<ComfyUiConnection> _connections = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<ComfyUiConnection> Connections
    {
        get
        {
            lock (_gate)
            {
                return [.. _connections];
            }
        }
    }

    public ComfyUiConnection? Find(string name) => Connections.FirstOrDefault(c => c.Instance.Name == name);

    public ComfyUiConnection Add(ComfyUiInstance instance)
    {
        var http = new ComfyUiHttpClient(httpClients.CreateClient(HttpClientName), instance);
        var connection = new ComfyUiConnection(http, tracker, options.Value, time, loggers.CreateLogger<ComfyUiConnection>());
        lock (_gate)
        {
            if (_connections.Any(c => c.Instance.Name == instance.Name))
            {
                throw new InvalidOperationException($"ComfyUI instance '{instance.Name}' is configured twice.");
            }

            _connections.Add(connection);
        }

        return connection;
    }

    public override void Dispose()
    {
        foreach (var connection in Connections)
        {
            connection.Dispose();
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var configured in options.Value.Instances)
        {
            if (Find(configured.Name!) is null)
            {
                Add(new ComfyUiInstance(configured.Name!, new Uri(configured.BaseUrl!)));
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            CancellationToken lease;
            try
            {
                lease = await ingestion.WaitForLeaseAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease);
            try
            {
                await Task.WhenAll(Connections.Select(c => c.RunAsync(leading.Token)));
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
                // The lease ended (another node leads now) or the host stops: both are normal.
            }
        }
    }
}
