using System.Security.Claims;

namespace AnimeProgress.Web.Keys;

/// <summary>Who an accepted key is: the key itself and its owner, with the owner's roles and the key's scopes.</summary>
public sealed record ApiKeyIdentity(long KeyId, string Prefix, string KeyName, string OwnerId, string OwnerName, IReadOnlyList<string> Roles, ApiScope Scopes)
{
    public const string AuthenticationType = "ApiKey";

    public const string KeyIdClaim = "animeprogress:key_id";

    public const string KeyPrefixClaim = "animeprogress:key_prefix";

    /// <summary>The owner's name and roles, so the access policies apply to a key as to its owner; plus the key and its scopes.</summary>
    public ClaimsPrincipal ToPrincipal()
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, OwnerId),
            new(ClaimTypes.Name, OwnerName),
            new(KeyIdClaim, KeyId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(KeyPrefixClaim, Prefix),
        };
        claims.AddRange(Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(ApiScopes.All.Where(s => Scopes.HasFlag(s.Scope)).Select(s => new Claim(ApiScopes.ClaimType, s.Name)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The key's identity in a principal, or null when the request was not made with a key.</summary>
    public static ClaimsIdentity? Of(ClaimsPrincipal? user) =>
        user?.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType == AuthenticationType);

    public static bool HasScope(ClaimsIdentity identity, ApiScope scope)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return identity.HasClaim(ApiScopes.ClaimType, ApiScopes.Name(scope));
    }
}
