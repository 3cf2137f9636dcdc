using AnimeProgress.Web.Health;

namespace AnimeProgress.Web.Hosting.Registration;

public static class HealthRegistration
{
    /// <summary>What /readyz reports: the database, the ComfyUI machines and this node's role in ingestion.</summary>
    public static IServiceCollection AddReadinessChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<ComfyUiHealthCheck>("comfyui", tags: ["ready"])
            .AddCheck<IngestionHealthCheck>("ingestion", tags: ["ready"]);
        return services;
    }
}
