using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Hub;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AnimeProgress.Web.Health;

/// <summary>
/// Healthy when every instance is online and all its loops run; degraded when some instance is offline or has a
/// failing loop (its entry says why, in plain words); unhealthy when none is online.
/// </summary>
public sealed class ComfyUiHealthCheck(ComfyUiFleet fleet, ProgressHub hub) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var names = fleet.Connections.Select(c => c.Instance.Name).ToList();
        if (names.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("No ComfyUI instance is configured."));
        }

        var statuses = hub.Instances.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var data = names.ToDictionary(
            n => n,
            n => (object)(statuses.GetValueOrDefault(n) switch
            {
                { Online: true, Degraded: { } reason } => "degraded: " + reason,
                { Online: true } => "online",
                { Degraded: { } reason } => "offline; " + reason,
                _ => "offline",
            }));
        var up = names.Count(n => statuses.GetValueOrDefault(n) is { Online: true });
        var degraded = names.Count(n => statuses.GetValueOrDefault(n) is { Degraded: not null });
        var summary = $"{up} of {names.Count} ComfyUI instances online" + (degraded > 0 ? $", {degraded} degraded (a loop is being restarted)." : ".");
        var result = up == 0 ? HealthCheckResult.Unhealthy("No ComfyUI instance is online" + (degraded > 0 ? $"; {degraded} degraded." : "."), data: data)
            : up == names.Count && degraded == 0 ? HealthCheckResult.Healthy(summary, data)
            : HealthCheckResult.Degraded(summary, data: data);
        return Task.FromResult(result);
    }
}
