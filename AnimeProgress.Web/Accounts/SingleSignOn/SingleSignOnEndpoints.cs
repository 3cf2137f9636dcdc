using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Accounts.SingleSignOn;

/// <summary>
/// The sign-in page's "Sign in with …" button is a plain link here, which sends the browser to the provider; the
/// provider's answer comes back through the handler's callback to <see cref="CompletePath"/>, which signs in with the
/// app cookie. A link, not a form post: the pages' Content-Security-Policy (<c>form-action 'self'</c>) would stop a
/// form whose answer redirects to the provider. Another site that links here only starts the visitor's own sign-in;
/// what it cannot do is finish one, which needs this browser's correlation cookie.
/// </summary>
public static class SingleSignOnEndpoints
{
    public const string StartPath = "/account/sso";

    public const string CompletePath = "/account/sso/complete";

    public const string FailedPage = AccountEndpoints.LoginPage + "?ssoFailed=true";

    public static void MapSingleSignOn(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Services.GetRequiredService<IOptions<OidcOptions>>().Value.Enabled)
        {
            return;
        }

        app.MapGet(StartPath, Start).AllowAnonymous().ExcludeFromDescription();
        app.MapGet(CompletePath, CompleteAsync).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>The link to the provider for a sign-in that returns to <paramref name="returnUrl"/>.</summary>
    public static string StartLink(string? returnUrl) => $"{StartPath}?returnUrl={Uri.EscapeDataString(ReturnUrls.Safe(returnUrl))}";

    private static IResult Start(string? returnUrl)
    {
        var properties = new AuthenticationProperties
        {
            RedirectUri = $"{CompletePath}?returnUrl={Uri.EscapeDataString(ReturnUrls.Safe(returnUrl))}",
        };
        return Results.Challenge(properties, [SingleSignOnRegistration.Scheme]);
    }

    private static async Task<IResult> CompleteAsync(string? returnUrl, HttpContext context, SingleSignOnAccounts accounts)
    {
        // Set only by the OpenID Connect handler, after it checked the state, the correlation cookie and the ID token.
        var external = await context.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await context.SignOutAsync(IdentityConstants.ExternalScheme);
        if (external is not { Succeeded: true, Principal: { } principal })
        {
            return Results.LocalRedirect(FailedPage);
        }

        return await accounts.SignInAsync(principal, context.Connection.RemoteIpAddress?.ToString())
            ? Results.LocalRedirect(ReturnUrls.Safe(returnUrl))
            : Results.LocalRedirect(FailedPage);
    }
}
