using System.Security.Claims;

namespace AnimeProgress.Web.Accounts.SingleSignOn;

/// <summary>
/// The role a provider's sign-in gives: the highest role mapped from any value of the role claim, or none. An account
/// has one role and each includes the ones below it, so the highest says everything.
/// </summary>
public static class RoleMapping
{
    public static string? RoleOf(ClaimsPrincipal principal, OidcOptions options)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(options);
        var values = principal.FindAll(options.RoleClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return options.Roles
            .Where(entry => values.Contains(entry.Key))
            .Select(entry => AppRoles.Parse(entry.Value))
            .OfType<string>()
            .MaxBy(role => AppRoles.All.IndexOf(role));
    }

    private static int IndexOf(this IReadOnlyList<string> roles, string role)
    {
        for (var i = 0; i < roles.Count; i++)
        {
            if (roles[i] == role)
            {
                return i;
            }
        }

        return -1;
    }
}
