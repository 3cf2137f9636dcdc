using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Notifications;
using AnimeProgress.Core.Persistence.Notifications;
using AnimeProgress.Web.Hosting.Registration;
using AnimeProgress.Web.Notifications.Channels;
using Microsoft.Extensions.Options;
using Polly;

namespace AnimeProgress.Web.Notifications;

/// <summary>
/// Notifications (issue 18): settings, the outbox the job writer and the detector fill, the channels and the sender.
/// The detector and sender run in the app's start order (Hosting/Registration/HostedServiceStartOrder), on the leader only.
/// </summary>
public static class NotificationRegistration
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<NotificationOptions, NotificationOptionsValidator>(configuration, NotificationOptions.Section);
        services.AddSingleton<NotificationCatalog>();
        services.AddSingleton<NotificationMetrics>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxEnlister>();
        services.AddSingleton<IJobOutcomeOutbox, JobOutcomeOutbox>();
        services.AddSingleton(sp => new ConditionDetector(sp.GetRequiredService<IOptions<NotificationOptions>>().Value, sp.GetRequiredService<IEtaModel>()));
        services.AddSingleton<NotificationDetector>();

        services.AddSingleton(sp => new DestinationPolicy(sp.GetRequiredService<IOptions<NotificationOptions>>().Value.AllowedDestinations));
        services.AddSingleton<GuardedConnections>();
        services.AddSingleton<JobLinks>();
        services.AddSingleton<ChannelSecrets>();
        services.AddSingleton<PersonalEmail>();
        services.AddSingleton<IChannelSender, HttpChannelSender>();
        services.AddSingleton<IChannelSender, EmailChannelSender>();
        services.AddHttpClient(HttpChannelSender.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<GuardedConnections>().CreateHandler())
            // The client's own timeout only backs up the pipeline's.
            .ConfigureHttpClient((sp, client) => client.Timeout = sp.GetRequiredService<IOptions<NotificationOptions>>().Value.AttemptTimeout + TimeSpan.FromSeconds(5))
            // One try per attempt: retries live in the outbox (durable, visible in the delivery log), not in memory.
            .AddResilienceHandler("notifications", (pipeline, context) =>
                pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<NotificationOptions>>().Value.AttemptTimeout));
        services.AddSingleton<NotificationSender>();
        services.AddScoped<NotificationAdministration>();
        services.AddScoped<MyJobNotifications>();
        return services;
    }
}
