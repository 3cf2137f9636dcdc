using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace AnimeProgress.Web.Accounts.Sessions;

/// <summary>
/// The cookie check that Identity resolves from the request's services, run in a scope of its own. A circuit's
/// WebSocket request lives as long as the circuit, and so does its request scope: resolving the check there kept a
/// SignInManager, UserManager, the stores and a used DbContext (with its SQLite connection and EF's internal scope)
/// alive for every signed-in viewer, tens of KiB each, for nothing. Here they are made, used and disposed within the check.
/// </summary>
internal sealed class SecurityStampCheckInOwnScope(IServiceScopeFactory scopes) : ISecurityStampValidator
{
    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RevalidatingSecurityStampValidator>().ValidateAsync(context);
    }
}
