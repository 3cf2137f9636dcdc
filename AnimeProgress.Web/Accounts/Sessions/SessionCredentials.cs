using System.Security.Claims;
using AnimeProgress.Web.Keys;
using Microsoft.AspNetCore.Identity;

namespace AnimeProgress.Web.Accounts.Sessions;

/// <summary>
/// What an open circuit or socket was let in with: the account, the security stamp of its sign-in (none for a key),
/// its roles, and the key it came with. The sweep compares these with the database; the first start's local Admin is
/// followed too (it ends once an account exists); anything else about the principal (a wall screen, a configured
/// token not yet a key) has nothing stored to follow.
/// </summary>
public sealed record SessionCredentials(string UserId, string? SecurityStamp, string Roles, long? KeyId)
{
    /// <summary>The first start's local Admin: no account behind it, Admin only until the first account or key exists.</summary>
    public static readonly SessionCredentials FirstStart = new("", null, AppRoles.Admin, null);

    public bool IsFirstStart => UserId.Length == 0;

    /// <summary>Identity's claim for the stamp (its default <see cref="ClaimsIdentityOptions.SecurityStampClaimType"/>).</summary>
    public static readonly string SecurityStampClaimType = new ClaimsIdentityOptions().SecurityStampClaimType;

    /// <summary>The credentials to follow, or null when the principal is no stored account or key.</summary>
    public static SessionCredentials? Of(ClaimsPrincipal? user)
    {
        if (user is null)
        {
            return null;
        }

        if (FirstStartAccess.IsFirstStart(user))
        {
            return FirstStart;
        }

        if (ApiKeyIdentity.Of(user) is { } key)
        {
            // A configured token used before its import has no row (id 0): nothing stored to follow.
            return long.TryParse(key.FindFirst(ApiKeyIdentity.KeyIdClaim)?.Value, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0
                && key.FindFirst(ClaimTypes.NameIdentifier)?.Value is { Length: > 0 } owner
                ? new SessionCredentials(owner, null, RolesOf(key.FindAll(ClaimTypes.Role).Select(c => c.Value)), id)
                : null;
        }

        if (!SignedIn.IsAccount(user) || user.FindFirst(ClaimTypes.NameIdentifier)?.Value is not { Length: > 0 } userId)
        {
            return null;
        }

        return new SessionCredentials(userId, user.FindFirst(SecurityStampClaimType)?.Value, RolesOf(user.FindAll(ClaimTypes.Role).Select(c => c.Value)), null);
    }

    /// <summary>Roles in one comparable form: distinct, ordered, comma-separated.</summary>
    public static string RolesOf(IEnumerable<string?> roles) =>
        string.Join(',', roles.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
}
