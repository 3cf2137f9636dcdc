using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Keys;

/// <summary>
/// The API key scheme: a request that sends a key (<see cref="ApiKeyRequests"/>) is the key's owner, with the owner's
/// roles and the key's scopes as claims. A refused key is a failure with one message, whatever the reason (unknown,
/// expired, revoked, owner locked): the reason goes to the log only.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggers, UrlEncoder encoder, ApiKeyVerifier verifier)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    public const string SchemeName = "ApiKey";

    public const string RefusedMessage =
        "The API key was not accepted: it is unknown, expired or revoked, or its account may not use keys now.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ApiKeyRequests.Presented(Request) is not { } presented)
        {
            return AuthenticateResult.NoResult();
        }

        var identity = await verifier.VerifyAsync(presented, Context.Connection.RemoteIpAddress?.ToString(), Context.RequestAborted);
        return identity is null
            ? AuthenticateResult.Fail(RefusedMessage)
            : AuthenticateResult.Success(new AuthenticationTicket(identity.ToPrincipal(), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
