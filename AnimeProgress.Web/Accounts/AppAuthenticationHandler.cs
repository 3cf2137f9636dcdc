using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Accounts;

/// <summary>
/// The app's default authentication scheme: on the first start a request from this machine is
/// <see cref="FirstStartAccess"/>'s Admin; otherwise the request is whoever its Identity sign-in cookie says.
/// Challenges, sign-in and sign-out go to the cookie scheme (the sign-in page).
/// </summary>
internal sealed class AppAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggers,
    UrlEncoder encoder,
    AccountPresence presence,
    LocalRequests local)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    public const string SchemeName = "AnimeProgress";

    public static void Configure(AuthenticationSchemeOptions options)
    {
        options.ForwardChallenge = IdentityConstants.ApplicationScheme;
        options.ForwardForbid = IdentityConstants.ApplicationScheme;
        options.ForwardSignIn = IdentityConstants.ApplicationScheme;
        options.ForwardSignOut = IdentityConstants.ApplicationScheme;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // The address first: it costs nothing, and only this machine's requests need the (cached) account fact.
        if (local.IsLocal(Context) && await presence.IsFirstStartAsync(Context.RequestAborted))
        {
            return AuthenticateResult.Success(new AuthenticationTicket(FirstStartAccess.Principal(), Scheme.Name));
        }

        return await Context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
    }
}
