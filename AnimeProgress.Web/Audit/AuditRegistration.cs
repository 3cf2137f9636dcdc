using AnimeProgress.Web.Hosting.Registration;

namespace AnimeProgress.Web.Audit;

/// <summary>
/// The audit log (issue 14 item 10): the buffer every feature writes to, the queries and retention behind /admin/audit.
/// Its writer and daily retention sweep are in the app's one start order (Hosting/Registration/HostedServiceStartOrder).
/// </summary>
public static class AuditRegistration
{
    public static IServiceCollection AddAuditLog(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AuditOptions, AuditOptionsValidator>(configuration, AuditOptions.Section);
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<AuditRetention>();
        services.AddScoped<AuditAdministration>();
        return services;
    }
}
