using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Hub;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.Queue;

/// <summary>
/// What each instance offers, put together from the hub (online, GPU memory, queue length), the operators' settings
/// (labels, drain; re-read every few seconds so every node sees another node's change) and each instance's
/// <c>/object_info</c> (read once per connection, since a restart may bring new models or custom nodes).
/// </summary>
public sealed partial class FleetCapabilities(ComfyUiFleet fleet, ProgressHub hub, FleetQueueStore store, TimeProvider time, ILogger<FleetCapabilities> logger)
{
    private static readonly TimeSpan SettingsMaxAge = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan CatalogRetry = TimeSpan.FromSeconds(30);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTimeOffset Since, NodeCatalog? Catalog, DateTimeOffset ReadAt)> _catalogs = new(StringComparer.Ordinal);
    private Dictionary<string, (IReadOnlyList<string> Labels, bool Draining)> _settings = new(StringComparer.Ordinal);
    private DateTimeOffset _settingsReadAt = DateTimeOffset.MinValue;

    /// <summary>Every configured instance as it is now; reads the settings or a catalog only when they are due.</summary>
    public async Task<IReadOnlyList<InstanceCapability>> CurrentAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - _settingsReadAt > SettingsMaxAge)
        {
            await RefreshSettingsAsync(cancellationToken);
        }

        var statuses = hub.Instances.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var result = new List<InstanceCapability>();
        foreach (var connection in fleet.Connections)
        {
            var name = connection.Instance.Name;
            var status = statuses.GetValueOrDefault(name);
            var online = status?.Online ?? connection.IsOnline;
            var catalog = online && status is not null ? await CatalogAsync(connection, status.Since, now, cancellationToken) : KnownCatalog(name);
            var settings = _settings.GetValueOrDefault(name);
            var vram = status?.Devices.Count > 0 ? status.Devices.Max(d => d.VramTotal) / (double)(1L << 30) : (double?)null;
            result.Add(new InstanceCapability(name)
            {
                Online = online,
                Draining = settings.Draining,
                Labels = settings.Labels ?? [],
                VramGb = vram > 0 ? vram : null,
                Catalog = catalog,
                QueueRemaining = status?.QueueRemaining ?? 0,
            });
        }

        return result;
    }

    /// <summary>Forget the cached settings: the next read sees a change made on this node at once.</summary>
    public void SettingsChanged() => _settingsReadAt = DateTimeOffset.MinValue;

    private async Task RefreshSettingsAsync(CancellationToken cancellationToken)
    {
        var rows = await store.InstanceSettingsAsync(cancellationToken);
        _settings = rows.ToDictionary(r => r.Name, r => (JobNeeds.LabelsFromColumn(r.Labels), r.Draining), StringComparer.Ordinal);
        _settingsReadAt = time.GetUtcNow();
    }

    private NodeCatalog? KnownCatalog(string name)
    {
        lock (_gate)
        {
            return _catalogs.TryGetValue(name, out var known) ? known.Catalog : null;
        }
    }

    private async Task<NodeCatalog?> CatalogAsync(ComfyUiConnection connection, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var name = connection.Instance.Name;
        lock (_gate)
        {
            if (_catalogs.TryGetValue(name, out var known) && known.Since == since && (known.Catalog is not null || now - known.ReadAt < CatalogRetry))
            {
                return known.Catalog;
            }
        }

        NodeCatalog? catalog = null;
        try
        {
            catalog = await connection.Http.GetNodeCatalogAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidDataException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogCatalogFailed(name, ex.Message);
        }

        lock (_gate)
        {
            // A failed read keeps what the last connection told, until a read succeeds.
            var previous = _catalogs.TryGetValue(name, out var known) ? known.Catalog : null;
            _catalogs[name] = (since, catalog ?? previous, now);
            return catalog ?? previous;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read /object_info of ComfyUI {Instance}: {Error}")]
    private partial void LogCatalogFailed(string instance, string error);
}
