using System.Security.Claims;
using AnimeProgress.Web.Accounts.WallScreens;

namespace AnimeProgress.Web.Accounts;

/// <summary>
/// Whether a request carries an account's own sign-in: not the first start's local Admin, not a wall screen. Both of
/// those are let in without signing in, so neither has a name to show or a sign-in to end.
/// </summary>
public static class SignedIn
{
    public static bool IsAccount(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true && !FirstStartAccess.IsFirstStart(user) && !WallScreenAccess.IsWallScreen(user);
}
