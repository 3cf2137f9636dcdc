using AnimeProgress.Web.Hosting.Registration;
using AnimeProgress.Web.Limits;
using Microsoft.AspNetCore.Authentication;

namespace AnimeProgress.Web.Keys;

/// <summary>
/// API keys (issue 14): the key scheme beside the sign-in, the verifier and its cache, the store, the keys page's
/// service and the per-key client limits. Its two background jobs (configured tokens become keys; last-used times are
/// written once a minute) are in the app's one start order (Hosting/Registration/HostedServiceStartOrder).
/// </summary>
public static class KeysRegistration
{
    public static IServiceCollection AddApiKeys(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ApiKeyOptions, ApiKeyOptionsValidator>(configuration, ApiKeyOptions.Section);
        services.AddSingleton<ApiKeyUsage>();
        services.AddSingleton<ApiKeyVerifier>();
        services.AddSingleton<ApiKeyStore>();
        services.AddScoped<KeyManagement>();
        services.AddSingleton<IClientKeySource, ApiKeyClientKey>();

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(ApiKeySchemeSelector.SchemeName, "An API key where keys are taken, else the sign-in", ApiKeySchemeSelector.Configure);
        // Only who a request is: challenges (the sign-in page) and sign-in stay with the app's default scheme.
        services.Configure<AuthenticationOptions>(o => o.DefaultAuthenticateScheme = ApiKeySchemeSelector.SchemeName);
        return services;
    }
}
