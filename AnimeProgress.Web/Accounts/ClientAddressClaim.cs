using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace AnimeProgress.Web.Accounts;

/// <summary>
/// Puts the request's client address (after trusted-proxy processing) on its principal, so an action taken later
/// inside an interactive circuit (whose principal is the one its connection request had) is audited with where it came
/// from, as a REST call is. Set by the server on every authentication, never read from the cookie.
/// </summary>
internal sealed class ClientAddressClaim(IHttpContextAccessor http) : IClaimsTransformation
{
    public const string Type = "animeprogress:client_address";

    public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var address = http.HttpContext?.Connection.RemoteIpAddress?.ToString();

        // Called once per authenticated scheme: the first call adds it. The principal is cloned, not changed, as the
        // framework asks of a transformation.
        if (address is null || principal.HasClaim(c => c.Type == Type))
        {
            return Task.FromResult(principal);
        }

        var transformed = principal.Clone();
        transformed.AddIdentity(new ClaimsIdentity([new Claim(Type, address)]));
        return Task.FromResult(transformed);
    }

    /// <summary>The address the principal's request came from, when it came through a request.</summary>
    public static string? Of(ClaimsPrincipal? principal) => principal?.FindFirst(Type)?.Value;
}
