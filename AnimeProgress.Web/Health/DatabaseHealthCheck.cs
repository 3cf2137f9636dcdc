using AnimeProgress.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AnimeProgress.Web.Health;

/// <summary>Ready only when the database answers and no writes are held back by an outage.</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<AnimeProgressDbContext> contexts, JobStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["pendingWrites"] = store.PendingWrites };
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return HealthCheckResult.Unhealthy("The database does not answer.", data: data);
            }
        }
        catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
        {
            // Not the exception's text: /readyz is public and driver messages name hosts and users.
            return HealthCheckResult.Unhealthy("The database does not answer.", data: data);
        }

        return store.LastError is not null
            ? HealthCheckResult.Degraded("Writes are held in memory until the database accepts them again.", data: data)
            : HealthCheckResult.Healthy("Database reachable.", data);
    }
}
