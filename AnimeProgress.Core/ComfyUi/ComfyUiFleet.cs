using AnimeProgress.Core.Boundary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.ComfyUi;

/// <summary>
/// Every monitored ComfyUI instance and its connection. Instances come from configuration, or are added
/// before start (the demo adds its loopback emulators); each runs its own loops, so one instance failing
/// never affects another. When the fleet runs is decided by its caller (on a cluster, only the leader).
/// </summary>
public sealed class ComfyUiFleet(
    IHttpClientFactory httpClients,
    IInstanceObserver observer,
    IOptions<ComfyUiOptions> options,
    TimeProvider time,
    ILoggerFactory loggers,
    IOptions<InputLimits> limits,
    IFrameTap? tap = null) : IDisposable
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
        var http = new ComfyUiHttpClient(httpClients.CreateClient(HttpClientName), instance, options.Value, limits.Value, time);
        var connection = new ComfyUiConnection(http, observer, options.Value, time, loggers.CreateLogger<ComfyUiConnection>(), limits.Value) { Tap = tap };
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

    /// <summary>Adds the configured instances not added yet (the demo's may already be there).</summary>
    public void AddConfigured()
    {
        foreach (var configured in options.Value.Instances)
        {
            if (Find(configured.Name!) is null)
            {
                Add(new ComfyUiInstance(configured.Name!, new Uri(configured.BaseUrl!)));
            }
        }
    }

    /// <summary>Runs every connection until cancelled; returns once all have stopped.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Connections.Select(c => c.RunAsync(cancellationToken)));

    public void Dispose()
    {
        foreach (var connection in Connections)
        {
            connection.Dispose();
        }
    }
}
