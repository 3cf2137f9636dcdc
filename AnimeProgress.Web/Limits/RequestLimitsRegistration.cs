using AnimeProgress.Web.Hosting.Registration;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Limits;

/// <summary>The per-client request limits: options, client identity, rate limiting, /ws and circuit caps.</summary>
public static class RequestLimitsRegistration
{
    public static IServiceCollection AddRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RequestLimits, RequestLimitsValidator>(configuration, RequestLimits.Section);
        services.AddSingleton<IClientKeySource, AccessTokenClientKey>();
        services.AddSingleton<IClientKeySource, SignedInUserClientKey>();
        services.AddSingleton<ClientIdentityResolver>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RequestLimits>>((options, limits) => ClientRateLimiting.Configure(options, limits.Value));
        return services;
    }

    /// <summary>
    /// Goes after the forwarded-headers middleware (the client's address must be the real one) and before the API's
    /// token check, so a flood of refused tokens is limited too.
    /// </summary>
    public static WebApplication UseRequestLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        app.UseWhen(
            c => c.Request.Path.StartsWithSegments("/ws", StringComparison.OrdinalIgnoreCase),
            branch => branch.UseMiddleware<ClientSocketLimitMiddleware>());
        app.UseWhen(
            c => c.Request.Path.StartsWithSegments(ClientCircuitLimitMiddleware.HubPath, StringComparison.OrdinalIgnoreCase),
            branch => branch.UseMiddleware<ClientCircuitLimitMiddleware>());
        return app;
    }
}
