using AnimeProgress.Core.Queue;
using AnimeProgress.Web.Hosting.Registration;

namespace AnimeProgress.Web.Queue;

/// <summary>
/// The fleet queue (issue 16): its store, dispatcher, actions and the web layer's permission check. The dispatcher is
/// in the app's one start order (Hosting/Registration/HostedServiceStartOrder), right after ingestion.
/// </summary>
public static class QueueRegistration
{
    public static IServiceCollection AddFleetQueue(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<QueueOptions, QueueOptionsValidator>(configuration, QueueOptions.Section);
        services.AddSingleton<FleetQueueStore>();
        services.AddSingleton<FleetCapabilities>();
        services.AddSingleton<OwnPendingPrompts>();
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<NodeTypeCache>();
        services.AddSingleton<AnimeProgress.Core.Telemetry.WaitingJobTraces>();
        services.AddSingleton<IDispatchFaults, ConfiguredDispatchFaults>();
        services.AddSingleton<IDispatchIncidents, AuditedDispatchIncidents>();
        services.AddSingleton<FleetQueue>();
        services.AddSingleton<QueueActions>();
        services.AddSingleton<FleetDispatcher>();
        services.AddSingleton<QueuePermissions>();
        services.AddSingleton<QueueControl>();
        return services;
    }
}
