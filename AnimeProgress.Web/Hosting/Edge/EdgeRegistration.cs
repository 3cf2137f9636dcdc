using AnimeProgress.Web.Hosting.Registration;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Hosting.Edge;

/// <summary>
/// The app's edge on a network (<c>AnimeProgress:Network</c>): trusted proxies, allowed hosts, public origins and the
/// security headers. Its middleware runs first, so everything after it (logs, limits, the API) sees the client's real
/// address and scheme as a trusted proxy reported them.
/// </summary>
public static class EdgeRegistration
{
    public static IServiceCollection AddNetworkEdge(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<NetworkOptions, NetworkOptionsValidator>(configuration, NetworkOptions.Section);
        services.AddSingleton<PublicOrigins>();
        services.AddSingleton<IConfigureOptions<ForwardedHeadersOptions>, ForwardedHeadersSetup>();
        services.AddSingleton<IPostConfigureOptions<HostFilteringOptions>, HostFilteringSetup>();
        services.AddSecurityHeaderPolicies((builder, provider) =>
        {
            var network = provider.GetRequiredService<IOptions<NetworkOptions>>().Value;
            var development = provider.GetRequiredService<IHostEnvironment>().IsDevelopment();
            builder.SetDefaultPolicy(SecurityHeaderPolicy.Build(network, development))
                .AddPolicy(SecurityHeaderPolicy.RelayPolicy, SecurityHeaderPolicy.ForRelay(network, development))
                .AddPolicy(SecurityHeaderPolicy.RelayPortPolicy, SecurityHeaderPolicy.ForRelayPort(network, development))
                .SetPolicySelector(context =>
                    Relay.Port.RelayPortRequest.Is(context.HttpContext)
                        ? context.ConfiguredPolicies[SecurityHeaderPolicy.RelayPortPolicy]
                        : (context.HttpContext.Request.Path.StartsWithSegments(Relay.RelayRegistration.PathPrefix, StringComparison.OrdinalIgnoreCase)
                            || context.HttpContext.Request.PathBase.StartsWithSegments(Relay.RelayRegistration.PathPrefix, StringComparison.OrdinalIgnoreCase))
                            ? context.ConfiguredPolicies[SecurityHeaderPolicy.RelayPolicy]
                            : context.DefaultPolicy);
        });
        return services;
    }

    public static WebApplication UseNetworkEdge(this WebApplication app)
    {
        // No trusted proxy: no forwarded-headers middleware at all (with an empty list it would believe everyone).
        if (app.Services.GetRequiredService<IOptions<NetworkOptions>>().Value.TrustedProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseSecurityHeaders();
        app.UseWhen(
            c => c.Request.Path.StartsWithSegments(CircuitOriginGuard.CircuitPath, StringComparison.OrdinalIgnoreCase),
            branch => branch.UseMiddleware<CircuitOriginGuard>());
        return app;
    }
}
