using AnimeProgress.Web.Accounts.SingleSignOn;
using AnimeProgress.Web.Audit;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace AnimeProgress.Web.Accounts;

/// <summary>
/// Sign-in and sign-out as plain HTTP form posts, where the response can still set the cookie: never from inside an
/// interactive circuit, whose WebSocket has no response to set it on. The forms carry an antiforgery token (the
/// framework validates it for every form-bound endpoint), so another site cannot sign a browser in or out.
/// </summary>
public static class AccountEndpoints
{
    public const string SignInPath = "/account/login";
    public const string SignOutPath = "/account/logout";

    /// <summary>The sign-in page: after a failure it shows the one message for every failure.</summary>
    public const string LoginPage = "/login";

    /// <summary>The sign-in page saying the signed-in account's role may not open the page it asked for.</summary>
    public const string AccessDeniedPage = "/login/denied";

    public const string LogoutPage = "/logout";

    public static void MapAccountEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(SignInPath, SignInAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(SignOutPath, SignOutAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapSingleSignOn();
    }

    private static async Task<IResult> SignInAsync(
        [FromForm(Name = "userName")] string? userName,
        [FromForm(Name = "password")] string? password,
        [FromForm(Name = "returnUrl")] string? returnUrl,
        HttpContext context,
        PasswordSignIn signIn)
    {
        var target = ReturnUrls.Safe(returnUrl);
        if (await signIn.SignInAsync(userName, password, context.Connection.RemoteIpAddress?.ToString()))
        {
            return Results.LocalRedirect(target);
        }

        return Results.LocalRedirect($"{LoginPage}?failed=true&ReturnUrl={Uri.EscapeDataString(target)}");
    }

    private static async Task<IResult> SignOutAsync(
        HttpContext context, IAntiforgery antiforgery, SignInManager<IdentityUser> signIn, Sessions.RecentAccountChanges changes, AuditLog audit)
    {
        // The form has no fields the framework binds, so it would not check the token by itself: checked here.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.Problem(title: "Sign-out refused", detail: "Sign out with the button on the dashboard or on /logout.", statusCode: StatusCodes.Status400BadRequest);
        }

        // Who it was, before the sign-out forgets it (a sign-out without a sign-in is nobody's, and not recorded).
        var actor = AuditActor.Of(context.User);

        // A new security stamp ends this sign-in everywhere: the session sweep closes the other tabs' open circuits,
        // and every other cookie of the account (other browsers, devices) fails its next check. Identity's sign-out
        // alone only drops this browser's cookie.
        if (SignedIn.IsAccount(context.User) && Keys.ApiKeyIdentity.Of(context.User) is null && await signIn.UserManager.GetUserAsync(context.User) is { } user)
        {
            await signIn.UserManager.UpdateSecurityStampAsync(user);
            changes.Changed(user.Id);
        }

        await signIn.SignOutAsync();
        if (actor.Kind == AuditActor.UserKind)
        {
            await audit.WriteAsync(new AuditEntry(actor, AuditActions.SignOut, AuditOutcomes.Ok, actor.Name, ClientAddress: context.Connection.RemoteIpAddress?.ToString()));
        }

        return Results.LocalRedirect($"{LogoutPage}?done=true");
    }
}
