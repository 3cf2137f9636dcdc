using System.Security.Claims;
using Microsoft.AspNetCore.Identity;

namespace AnimeProgress.Web.Limits;

/// <summary>
/// A signed-in user is its own client, from whichever address (at home, in the studio, on the phone): its tabs and
/// requests count together, and colleagues behind one address do not share a budget. Only an account signed in with
/// the Identity cookie counts; the first start's local Admin stays its address. The key is the account's id, not a secret.
/// </summary>
internal sealed class SignedInUserClientKey : IClientKeySource
{
    public string? KeyOf(HttpContext context)
    {
        var identity = context.User.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType == IdentityConstants.ApplicationScheme);
        return identity?.FindFirst(ClaimTypes.NameIdentifier)?.Value is { Length: > 0 } id ? "user-" + id : null;
    }
}
