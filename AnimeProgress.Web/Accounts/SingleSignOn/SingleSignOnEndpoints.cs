using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Accounts.SingleSignOn;

/// <summary>
/// The sign-in page's "Sign in with …" button posts here (with the page's antiforgery token, so another site cannot
/// start a sign-in); the provider's answer comes back through the handler's callback to <see cref="CompletePath"/>,
/// which signs in with the app cookie.
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

        app.MapPost(StartPath, Start).AllowAnonymous().ExcludeFromDescription();
        app.MapGet(CompletePath, CompleteAsync).AllowAnonymous().ExcludeFromDescription();
    }

    private static IResult Start([FromForm(Name = "returnUrl")] string? returnUrl)
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
