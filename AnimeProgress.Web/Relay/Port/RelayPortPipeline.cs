using AnimeProgress.Web.Hosting.Edge;
using Microsoft.Extensions.Options;
using Serilog;

namespace AnimeProgress.Web.Relay.Port;

/// <summary>
/// What the relay port runs: the edge (trusted proxies, allowed hosts, its own security headers), the key from the
/// address, the guard (<see cref="RelayPortGuard"/>), authentication (keys only: the cookie is gone), the request
/// limits, and the relay's branch. Nothing else of the app is reachable there.
/// </summary>
public static class RelayPortPipeline
{
    public static WebApplication UseComfyUiRelayPort(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<IOptions<RelayOptions>>().Value.Port is null)
        {
            return app;
        }

        var network = app.Services.GetRequiredService<IOptions<NetworkOptions>>().Value;
        var relay = ((IApplicationBuilder)app).New();
        if (network.TrustedProxies.Count > 0)
        {
            relay.UseForwardedHeaders();
        }

        relay.UseHostFiltering();
        relay.UseSecurityHeaders(); // the app's policies pick the relay port's own for its requests (Hosting/Edge)
        relay.UseRelayKeyInUrl();
        relay.UseRelayPortGuard();
        relay.UseSerilogRequestLogging();
        relay.UseAuthentication();
        relay.UseRateLimiter();
        relay.Map(RelayRegistration.PathPrefix, RelayRegistration.RelayBranch);
        app.Services.GetRequiredService<RelayPortServer>().Pipeline = relay.Build();
        return app;
    }
}
