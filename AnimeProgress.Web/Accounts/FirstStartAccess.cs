using System.Security.Claims;

namespace AnimeProgress.Web.Accounts;

/// <summary>
/// Who a request from this machine is while no account or key exists: an Admin without signing in, so the one-command
/// demo and a fresh install work at once on the machine itself (every other address is told how to create the first
/// user). The identity says so by its authentication type; it is never a stored account.
/// </summary>
public static class FirstStartAccess
{
    public const string AuthenticationType = "FirstStart";

    public const string Name = "this computer (first start)";

    public static ClaimsPrincipal Principal() => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, Name), new Claim(ClaimTypes.Role, AppRoles.Admin)],
        AuthenticationType,
        ClaimTypes.Name,
        ClaimTypes.Role));

    public static bool IsFirstStart(ClaimsPrincipal? user) =>
        user?.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == AuthenticationType) == true;
}
