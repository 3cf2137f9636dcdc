using AnimeProgress.Core.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AnimeProgress.Web.Health;

/// <summary>Which role this node plays: operators (and load balancer logs) see which node ingests from ComfyUI.</summary>
public sealed class IngestionHealthCheck(IngestionGate ingestion) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Both roles are ready: a follower serves dashboards from what the leader writes.
        var result = ingestion.LeaderSince is { } since
            ? HealthCheckResult.Healthy($"Ingesting from ComfyUI since {since:u}.", new Dictionary<string, object> { ["role"] = "leader" })
            : HealthCheckResult.Healthy("Following: another node ingests; this one shows what the database says.", new Dictionary<string, object> { ["role"] = "follower" });
        return Task.FromResult(result);
    }
}
