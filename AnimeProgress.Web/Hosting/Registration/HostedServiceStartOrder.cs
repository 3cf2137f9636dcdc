using AnimeProgress.Core.Ingestion;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Eta;
using AnimeProgress.Core.Persistence.History;
using AnimeProgress.Core.Persistence.Postgres;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Web.Demo;

namespace AnimeProgress.Web.Hosting.Registration;

/// <summary>
/// The one place hosted services are registered. The host starts them one after another in this order (each
/// <c>StartAsync</c> finishes before the next begins) and stops them in reverse, so the order below is the live
/// path's start-up sequence. The feature registrations only add the singletons; HostedServiceOrderTests pin the order.
/// </summary>
public static class HostedServiceStartOrder
{
    public static IServiceCollection AddHostedServicesInStartOrder(this IServiceCollection services, AppFeatures features)
    {
        // 1. The store creates or migrates the schema, then restores recent jobs into the tracker, before anything
        //    folds, reads or writes. Stopped last, it flushes every write the others caused.
        services.AddHostedService(sp => sp.GetRequiredService<JobStore>());

        // 1a. Data Protection's own warm-up reads the key ring, which is in this schema (the sign-in cookie's keys,
        //     DataProtectionRegistration): started before the store, it met a fresh database without the table and
        //     logged errors on every first start. Moved to start right after it.
        StartAfterTheStore(services, DataProtectionWarmUp);

        // 1b. The ETA engine's finished runs, before the tracker starts the restored jobs' estimates. Stopped after the
        //     tracker, it writes the runs of the last jobs that finished.
        services.AddHostedService(sp => sp.GetRequiredService<EtaRunStore>());
        // 1c. The audit log's writer (Web/Audit) needs only the schema; stopped near last, it stores what the others recorded.
        services.AddHostedService<Audit.AuditWriter>();

        // 2. The tracker's loop folds events; the restored jobs are in, and every later service posts to it.
        services.AddHostedService(sp => sp.GetRequiredService<ProgressTracker>());

        // 3. Demo: the loopback emulators listen and join the fleet before it connects.
        if (features.Demo)
        {
            services.AddHostedService(sp => sp.GetRequiredService<DemoEmulators>());
        }

        if (features.Postgres)
        {
            // 4. LISTEN before ingestion starts, so no other writer's row is missed; the schema's triggers exist by now.
            services.AddHostedService(sp => sp.GetRequiredService<PostgresJobListener>());
            if (features.Clustered)
            {
                // 5. The election needs the store and tracker running (a new leader reloads recent rows into the
                //    tracker) and grants the gate the fleet waits on.
                services.AddHostedService<LeaderElection>();

                // 6. The fleet's state is shared through the database from its first change on.
                services.AddHostedService<InstanceStatusStore>();
            }
        }

        // 7. Ingestion: connect to ComfyUI once everything that consumes its events runs (and, in a cluster, only
        //    while this node holds the ingestion lease).
        services.AddHostedService<LeaderIngestion>();

        // 7b. The fleet queue's dispatcher (issue 16): on the same lease as ingestion, once the fleet connects; it first
        //     finishes dispatches a crash cut short, then sends waiting jobs.
        services.AddHostedService(sp => sp.GetRequiredService<AnimeProgress.Core.Queue.FleetDispatcher>());

        // 8. Demo: submit jobs only once the fleet is up.
        if (features.DemoGeneratesJobs)
        {
            services.AddHostedService<DemoJobGenerator>();
        }

        // 9. Progress history samples what the hub publishes; its table exists since step 1.
        services.AddHostedService(sp => sp.GetRequiredService<ProgressHistoryRecorder>());

        // 10. API keys (Web/Keys): configured tokens become keys in the schema of step 1 (until then they work from the
        //     configuration); last-used times are written once a minute, and once more on stop.
        services.AddHostedService<Keys.ConfiguredTokenImport>();
        services.AddHostedService<Keys.ApiKeyUsageWriter>();

        // 11. The session sweep (Web/Accounts/Sessions) reads accounts and keys from the schema of step 1.
        services.AddHostedService(sp => sp.GetRequiredService<Accounts.Sessions.SessionSweep>());
        // 12. The audit log's retention: applied at start, then daily.
        services.AddHostedService<Audit.AuditRetentionSweep>();
        // 12b. Progress history's thinning and retention (issue 15), on the leader only; needs only the schema.
        services.AddHostedService<ProgressHistoryRetentionService>();

        // 13. Notifications (Web/Notifications), on the leader only: the detector reads the hub the tracker fills and
        //     stores conditions with their outbox rows; the sender delivers the outbox. Stopped first, so the job store's
        //     last flush still writes outcomes with their deliveries, which the next start sends.
        services.AddHostedService(sp => sp.GetRequiredService<Core.Notifications.NotificationDetector>());
        services.AddHostedService(sp => sp.GetRequiredService<Notifications.NotificationSender>());

        // 14. The metrics port (AnimeProgress:Metrics:Port): answers scrapes once everything it measures runs.
        if (features.MetricsPort)
        {
            services.AddHostedService(sp => sp.GetRequiredService<Telemetry.MetricsPortServer>());
        }

        // 15. The relay's port (AnimeProgress:Relay:Port): it listens once the dashboard does (StartedAsync), whose port it must not take.
        if (features.RelayPort)
        {
            services.AddHostedService(sp => sp.GetRequiredService<Relay.Port.RelayPortServer>());
        }
        return services;
    }

    /// <summary>ASP.NET Core's hosted service that loads the Data Protection key ring at start (an internal type).</summary>
    public const string DataProtectionWarmUp = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    private static void StartAfterTheStore(IServiceCollection services, string typeName)
    {
        // Registered already by AddDataProtection (an earlier feature): moved to here. Registered later, it starts later anyway.
        if (services.FirstOrDefault(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == typeName) is { } registration)
        {
            services.Remove(registration);
            services.Add(registration);
        }
    }
}
