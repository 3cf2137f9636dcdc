using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Hub;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AnimeProgress.Web.Health;

/// <summary>Healthy when every instance is online, degraded when some are, unhealthy when none is.</summary>
public sealed class ComfyUiHealthCheck(ComfyUiFleet fleet, ProgressHub hub) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var names = fleet.Connections.Select(c => c.Instance.Name).ToList();
        if (names.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("No ComfyUI instance is configured."));
        }

        var online = hub.Instances.Where(i => i.Online).Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var data = names.ToDictionary(n => n, n => (object)(online.Contains(n) ? "online" : "offline"));
        var up = names.Count(online.Contains);
        var result = up == names.Count ? HealthCheckResult.Healthy($"{up} of {names.Count} ComfyUI instances online.", data)
            : up > 0 ? HealthCheckResult.Degraded($"{up} of {names.Count} ComfyUI instances online.", data: data)
            : HealthCheckResult.Unhealthy("No ComfyUI instance is online.", data: data);
        return Task.FromResult(result);
    }
}
