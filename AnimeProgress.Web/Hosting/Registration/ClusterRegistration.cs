using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Persistence;

namespace AnimeProgress.Web.Hosting.Registration;

public static class ClusterRegistration
{
    /// <summary>Who ingests: the ingestion gate (granted at once on a single node; by the leader election in a cluster).</summary>
    public static IServiceCollection AddCluster(this IServiceCollection services, IConfiguration configuration, AppFeatures features)
    {
        services.AddValidatedOptions<ClusterOptions, ClusterOptionsValidator>(configuration, ClusterOptions.Section);
        services.AddSingleton(sp =>
        {
            var gate = new IngestionGate();
            if (!features.Clustered)
            {
                // A single node always ingests.
                gate.Grant(sp.GetRequiredService<TimeProvider>().GetUtcNow());
            }

            return gate;
        });
        if (features.Clustered)
        {
            // Every node submits and listens under one client id, so a new leader keeps receiving the step
            // progress of jobs the previous one submitted.
            services.PostConfigure<ComfyUiOptions>(o =>
            {
                if (string.IsNullOrWhiteSpace(o.ClientId))
                {
                    var schema = configuration[$"{DatabaseOptions.Section}:Schema"];
                    o.ClientId = "animeprogress-" + (string.IsNullOrWhiteSpace(schema) ? DatabaseOptions.DefaultSchema : schema);
                }
            });
        }

        return services;
    }
}
