using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Accounts.Sessions;
using AnimeProgress.Web.Accounts.SingleSignOn;
using AnimeProgress.Web.Accounts.WallScreens;
using AnimeProgress.Web.Hosting.Registration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Accounts;

/// <summary>
/// Accounts (ASP.NET Core Identity on the app's database), the sign-in cookie, the first-start rule and the
/// access policies. The CLI's <c>users</c> command uses the store alone (<see cref="AddAccountStore"/>).
/// </summary>
public static class AccountsRegistration
{
    public const string CookieName = "AnimeProgress.Session";

    /// <summary>Identity's user and role managers over <see cref="AnimeProgressDbContext"/>, with the configured password and lockout rules.</summary>
    public static IdentityBuilder AddAccountStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AccountOptions, AccountOptionsValidator>(configuration, AccountOptions.Section);
        services.AddOptions<IdentityOptions>().Configure<IOptions<AccountOptions>>((identity, accounts) => Configure(identity, accounts.Value));
        return services.AddIdentityCore<IdentityUser>()
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AnimeProgressDbContext>();
    }

    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAccountStore(configuration).AddSignInManager();
        services.AddSingleton<LocalRequests>();
        services.AddSingleton<AccountPresence>();
        services.AddScoped<PasswordSignIn>();
        services.AddSingleton<Administration.UserAdministration>(); // /admin/users (Web/Accounts/Administration)
        services.AddValidatedOptions<AccessOptions, AccessOptionsValidator>(configuration, AccessOptions.Section);
        services.AddSingleton<WallScreenRule>();

        var authentication = services.AddAuthentication(o => o.DefaultScheme = AppAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, AppAuthenticationHandler>(AppAuthenticationHandler.SchemeName, AppAuthenticationHandler.Configure);
        // The application cookie plus the external one (single sign-on lands there first) and the two-factor one,
        // which SignInManager signs out of too.
        authentication.AddIdentityCookies();
        authentication.AddSingleSignOn(configuration); // only when AnimeProgress:Accounts:Oidc names a provider
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<AccountOptions>>((cookie, accounts) => Configure(cookie, accounts.Value));
        services.AddAuthorization(o => o.AddAccessPolicies());
        services.AddCascadingAuthenticationState();
        services.AddHttpContextAccessor();
        services.AddTransient<IClaimsTransformation, ClientAddressClaim>(); // "from where" for circuit actions' audit
        services.AddOpenSessionSweep();
        return services;
    }

    private static void Configure(IdentityOptions identity, AccountOptions accounts)
    {
        identity.Lockout.AllowedForNewUsers = true;
        identity.Lockout.MaxFailedAccessAttempts = accounts.MaxFailedSignIns;
        identity.Lockout.DefaultLockoutTimeSpan = accounts.LockoutDuration;
        identity.Password.RequiredLength = accounts.MinPasswordLength;
        identity.Password.RequiredUniqueChars = 1;
        identity.Password.RequireDigit = false;
        identity.Password.RequireLowercase = false;
        identity.Password.RequireUppercase = false;
        identity.Password.RequireNonAlphanumeric = false;
        identity.User.RequireUniqueEmail = false;
        identity.SignIn.RequireConfirmedAccount = false;
    }

    private static void Configure(CookieAuthenticationOptions cookie, AccountOptions accounts)
    {
        cookie.Cookie.Name = CookieName;
        cookie.Cookie.HttpOnly = true;
        // Lax: a link to the dashboard from chat or mail still arrives signed in; other sites' posts carry no cookie.
        cookie.Cookie.SameSite = SameSiteMode.Lax;
        cookie.ExpireTimeSpan = accounts.SessionLifetime;
        cookie.SlidingExpiration = true;
        cookie.LoginPath = AccountEndpoints.LoginPage;
        cookie.LogoutPath = AccountEndpoints.LogoutPage;
        // A signed-in account without the role for a page sees the sign-in page, which says so.
        cookie.AccessDeniedPath = AccountEndpoints.AccessDeniedPage;
        cookie.Events.OnRedirectToLogin = context => RedirectPagesOnly(context, StatusCodes.Status401Unauthorized);
        cookie.Events.OnRedirectToAccessDenied = context => RedirectPagesOnly(context, StatusCodes.Status403Forbidden);
    }

    /// <summary>
    /// Pages go to the sign-in page; what a program or a script asks for (a preview image, the circuit's connection,
    /// the API) gets the plain status: a redirect to an HTML form means nothing to an img tag or to SignalR.
    /// </summary>
    private static Task RedirectPagesOnly(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/ws", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/_framework", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = status;
            // The bare status is the answer: the status-code pages would turn it into the HTML "not found" page.
            if (context.HttpContext.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
            {
                statusCodePages.Enabled = false;
            }

            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
