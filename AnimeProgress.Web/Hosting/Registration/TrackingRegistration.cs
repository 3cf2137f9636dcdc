using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Previews;
using AnimeProgress.Core.Tracking;

namespace AnimeProgress.Web.Hosting.Registration;

public static class TrackingRegistration
{
    /// <summary>The live state: the tracker that folds ComfyUI events into jobs, its stage map and ETA model, the previews and the hub.</summary>
    public static IServiceCollection AddTracking(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<TrackerOptions, TrackerOptionsValidator>(configuration, TrackerOptions.Section);

        // A bad stage name in AnimeProgress:StageMap fails here, at start, naming the key.
        var stageMap = StageMap.FromConfiguration(
            configuration.GetSection("AnimeProgress:StageMap").GetChildren().ToDictionary(c => c.Key, c => c.Value ?? ""));
        services.AddSingleton(stageMap);

        services.AddSingleton<ProgressHub>();
        services.AddSingleton<PreviewStore>();
        // One model: the tracker estimates with it, the ETA store (Persistence/Eta) loads and keeps its history.
        services.AddSingleton(_ => new StageAwareEtaModel());
        services.AddSingleton<IEtaModel>(sp => sp.GetRequiredService<StageAwareEtaModel>());
        services.AddSingleton<ProgressTracker>();
        services.AddSingleton<AnimeProgress.Core.ComfyUi.IInstanceObserver, TrackerInstanceObserver>();
        return services;
    }
}
