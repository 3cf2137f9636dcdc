using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Accounts.Sessions;

/// <summary>
/// Identity's cookie check (every <see cref="AccountOptions.RevalidationInterval"/> per cookie, on requests only),
/// plus two things it does not do by itself: a locked-out account's cookie is refused like a changed stamp, and a
/// cookie issued before a change this node saw (<see cref="RecentAccountChanges"/>) is checked at once, so the
/// reload of an ended circuit never comes back with the old roles.
/// </summary>
internal sealed class RevalidatingSecurityStampValidator(
    IOptions<SecurityStampValidatorOptions> options,
    SignInManager<IdentityUser> signInManager,
    ILoggerFactory loggers,
    RecentAccountChanges changes,
    TimeProvider time)
    : SecurityStampValidator<IdentityUser>(options, signInManager, loggers)
{
    public override Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var properties = context.Properties;
        if (properties.IssuedUtc is { } issued && changes.ChangedSince(context.Principal?.FindFirst(ClaimTypes.NameIdentifier)?.Value, issued))
        {
            // Made to look one interval older, so the base class checks now; the cookie it renews keeps its length.
            var shift = time.GetUtcNow() - issued + Options.ValidationInterval + TimeSpan.FromSeconds(1);
            properties.IssuedUtc = issued - shift;
            properties.ExpiresUtc -= shift;
        }

        return base.ValidateAsync(context);
    }

    protected override async Task<IdentityUser?> VerifySecurityStamp(ClaimsPrincipal? principal)
    {
        var user = await base.VerifySecurityStamp(principal);
        return user is not null && await SignInManager.UserManager.IsLockedOutAsync(user) ? null : user;
    }
}
