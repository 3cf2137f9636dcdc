using System.Security.Claims;

namespace AnimeProgress.Web.Accounts.WallScreens;

/// <summary>
/// Who a browser is that has not signed in but is let in by <c>AnimeProgress:Access:AnonymousRole</c>: a Viewer with
/// no account. The identity says so by its authentication type, so nothing mistakes it for a sign-in (the readiness
/// detail, the per-account limits, the sign-in page).
/// </summary>
public static class WallScreenAccess
{
    public const string AuthenticationType = "WallScreen";

    public const string Name = "wall screen";

    public static ClaimsPrincipal Principal() => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, Name), new Claim(ClaimTypes.Role, AppRoles.Viewer)],
        AuthenticationType,
        ClaimTypes.Name,
        ClaimTypes.Role));

    public static bool IsWallScreen(ClaimsPrincipal? user) =>
        user?.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == AuthenticationType) == true;
}
