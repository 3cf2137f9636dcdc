namespace AnimeProgress.Web.Accounts.SingleSignOn;

/// <summary>
/// Bound from <c>AnimeProgress:Accounts:Oidc</c>: single sign-on with the studio's OpenID Connect provider (Keycloak,
/// Entra ID, Authentik…). Off while <see cref="Authority"/> is empty. The secret belongs in environment variables or
/// user secrets, never in a committed appsettings file.
/// </summary>
public sealed class OidcOptions
{
    public const string Section = "AnimeProgress:Accounts:Oidc";

    /// <summary>The provider's issuer URL, e.g. <c>https://sso.studio.example/realms/studio</c>; its discovery document is read from there.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>Empty for a public client (the code flow always uses PKCE).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for; <c>openid</c> must be among them. Empty: <c>openid profile</c>.</summary>
    // Empty rather than a default list: the configuration binder adds to a list, it would never replace the default.
    public List<string> Scopes { get; set; } = [];

    public IReadOnlyList<string> ScopesAskedFor => Scopes.Count > 0 ? Scopes : ["openid", "profile"];

    /// <summary>The ID-token claim whose values are mapped to roles: <c>groups</c> (Keycloak, Authentik, Entra groups) or <c>roles</c> (Entra app roles).</summary>
    public string RoleClaim { get; set; } = "groups";

    /// <summary>
    /// Claim value (a group) → role (<c>Viewer</c>, <c>Operator</c>, <c>Admin</c>). Values are compared exactly, case
    /// included. A user in several mapped groups gets the highest of their roles; in none, no role (no access).
    /// </summary>
    public Dictionary<string, string> Roles { get; set; } = [];

    /// <summary>The provider's name on the sign-in button: "Sign in with {DisplayName}".</summary>
    public string DisplayName { get; set; } = "single sign-on";

    /// <summary>
    /// Whether the discovery document must come over HTTPS. An http Authority is taken on loopback only (a provider on
    /// the same machine, tests) unless this is set to false, which a studio network should not need.
    /// </summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}
