using AnimeProgress.Web.Hosting.Registration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Accounts.SingleSignOn;

/// <summary>
/// Single sign-on with ASP.NET Core's OpenID Connect handler, registered only when <c>AnimeProgress:Accounts:Oidc</c>
/// names a provider. The handler signs in to Identity's short-lived external cookie; <see cref="SingleSignOnEndpoints"/>
/// then turns that into the app's own sign-in (<see cref="SingleSignOnAccounts"/>).
/// </summary>
public static partial class SingleSignOnRegistration
{
    public const string Scheme = "oidc";

    /// <summary>The redirect URI to register at the provider: <c>https://progress.studio.example/signin-oidc</c>.</summary>
    public const string CallbackPath = "/signin-oidc";

    public static void AddSingleSignOn(this AuthenticationBuilder authentication, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        var services = authentication.Services;
        services.AddValidatedOptions<OidcOptions, OidcOptionsValidator>(configuration, OidcOptions.Section);
        services.AddScoped<SingleSignOnAccounts>();
        if (configuration.GetSection(OidcOptions.Section).Get<OidcOptions>() is not { Enabled: true })
        {
            return;
        }

        authentication.AddOpenIdConnect(Scheme, _ => { });
        services.AddOptions<OpenIdConnectOptions>(Scheme).Configure<IOptions<OidcOptions>>((oidc, sso) => Configure(oidc, sso.Value));
    }

    private static void Configure(OpenIdConnectOptions oidc, OidcOptions sso)
    {
        oidc.Authority = sso.Authority;
        oidc.ClientId = sso.ClientId;
        oidc.ClientSecret = string.IsNullOrEmpty(sso.ClientSecret) ? null : sso.ClientSecret;
        oidc.RequireHttpsMetadata = sso.RequireHttpsMetadata && !(Uri.TryCreate(sso.Authority, UriKind.Absolute, out var authority) && OidcOptionsValidator.IsLoopback(authority));
        oidc.CallbackPath = CallbackPath;
        oidc.SignInScheme = IdentityConstants.ExternalScheme;
        // The authorization code flow with PKCE; the code comes back in the query of a top-level redirect, so the
        // correlation and nonce cookies can be SameSite=Lax (form_post would need SameSite=None, and the provider's script).
        oidc.ResponseType = "code";
        oidc.ResponseMode = "query";
        oidc.UsePkce = true;
        oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
        oidc.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        oidc.NonceCookie.SameSite = SameSiteMode.Lax;
        oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        oidc.Scope.Clear();
        foreach (var scope in sso.ScopesAskedFor)
        {
            oidc.Scope.Add(scope);
        }

        // Claims keep the names the provider gives them (sub, groups, roles), which are the names the settings use.
        oidc.MapInboundClaims = false;
        oidc.TokenValidationParameters.NameClaimType = "name";
        // The provider's tokens are not needed after the sign-in: nothing calls an API on the user's behalf.
        oidc.SaveTokens = false;
        oidc.GetClaimsFromUserInfoEndpoint = false;
        oidc.Events.OnRemoteFailure = RefuseAsync;
    }

    /// <summary>
    /// A callback that fails (a forged or replayed state, a missing correlation cookie, an error from the provider, an
    /// invalid token) ends on the sign-in page with one message; the log says why.
    /// </summary>
    private static Task RefuseAsync(RemoteFailureContext context)
    {
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SingleSignOnRegistration));
        LogRefused(logger, context.HttpContext.Connection.RemoteIpAddress?.ToString(), context.Failure?.Message ?? "unknown");
        context.Response.Redirect(SingleSignOnEndpoints.FailedPage);
        context.HandleResponse();
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Single sign-on refused from {RemoteAddress}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string? remoteAddress, string reason);
}
