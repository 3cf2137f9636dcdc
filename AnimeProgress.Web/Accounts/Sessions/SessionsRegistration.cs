using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Accounts.Sessions;

/// <summary>
/// Open circuits and sockets follow account and key changes: the registry, the per-circuit handler, the circuit
/// connections' filter, the cookie check at the same interval. The sweep itself is in the app's one hosted-service
/// start order (Hosting/Registration/HostedServiceStartOrder).
/// </summary>
public static class SessionsRegistration
{
    public static IServiceCollection AddOpenSessionSweep(this IServiceCollection services)
    {
        services.AddSingleton<OpenSessions>();
        services.AddSingleton<RecentAccountChanges>();
        services.AddSingleton<SessionStateReader>();
        services.AddSingleton<SessionSweep>();
        services.AddScoped<CircuitSession>();
        services.AddScoped<CircuitHandler>(sp => sp.GetRequiredService<CircuitSession>());
        services.AddSingleton<CircuitConnections>();
        services.Configure<HubOptions>(o => o.AddFilter<CircuitConnections>());
        services.AddScoped<RevalidatingSecurityStampValidator>();
        services.Replace(ServiceDescriptor.Scoped<ISecurityStampValidator, SecurityStampCheckInOwnScope>());
        services.AddOptions<SecurityStampValidatorOptions>()
            .Configure<IOptions<AccountOptions>>((validator, accounts) => validator.ValidationInterval = accounts.Value.RevalidationInterval);
        return services;
    }
}
