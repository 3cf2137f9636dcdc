using System.Security.Claims;
using Microsoft.AspNetCore.Identity;

namespace AnimeProgress.Web.Keys;

/// <summary>
/// Accounts that belong to a program, not a person (a pipeline, a relay client, Prometheus): they own keys, so a key
/// does not die with the person who made it, and they cannot sign in. Marked by a claim in Identity's own
/// <c>AspNetUserClaims</c> (no schema change); they have no password, so no password can ever be right; and lockout is
/// off for them, so someone typing wrong passwords at their name cannot suspend their keys.
/// </summary>
public static class ServiceAccounts
{
    public const string ClaimType = "animeprogress:service_account";

    /// <summary>Creates the account with its role, without a password. Call inside the caller's transaction.</summary>
    public static async Task<IdentityResult> CreateAsync(UserManager<IdentityUser> users, RoleManager<IdentityRole> roles, string name, string role)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(roles);
        if (!await roles.RoleExistsAsync(role) && await roles.CreateAsync(new IdentityRole(role)) is { Succeeded: false } roleFailed)
        {
            return roleFailed;
        }

        var user = new IdentityUser(name) { LockoutEnabled = false };
        foreach (var step in new Func<Task<IdentityResult>>[]
        {
            () => users.CreateAsync(user),
            () => users.AddToRoleAsync(user, role),
            () => users.AddClaimAsync(user, new Claim(ClaimType, "true")),
        })
        {
            if (await step() is { Succeeded: false } failed)
            {
                return failed;
            }
        }

        return IdentityResult.Success;
    }

    public static async Task<bool> IsServiceAccountAsync(UserManager<IdentityUser> users, IdentityUser user)
    {
        ArgumentNullException.ThrowIfNull(users);
        return (await users.GetClaimsAsync(user)).Any(c => c.Type == ClaimType);
    }
}
