using AnimeProgress.Web.Hosting.Registration;
using AnimeProgress.Web.Limits;
using Microsoft.AspNetCore.Authentication;

namespace AnimeProgress.Web.Keys;

/// <summary>
/// API keys (issue 14): the key scheme beside the sign-in, the verifier and its cache, the store, the keys page's
/// service, the per-key client limits, and two background jobs (configured tokens become keys; last-used times are
/// written once a minute). Call after the hosted services in start order: the import needs the schema the store prepares.
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

        services.AddHostedService<ConfiguredTokenImport>();
        services.AddHostedService<ApiKeyUsageWriter>();
        return services;
    }
}
