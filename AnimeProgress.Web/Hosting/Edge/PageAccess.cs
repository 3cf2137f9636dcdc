using AnimeProgress.Web.Accounts;

namespace AnimeProgress.Web.Hosting.Edge;

/// <summary>
/// The one access rule of the dashboard's pages, its Blazor circuit (<c>/_blazor</c>) and what the pages show outside
/// the circuit (preview images): the Viewer role or above (<see cref="AccessPolicies.View"/>), so pages and previews
/// change together. On the first start this machine is Admin without signing in (<see cref="FirstStartAccess"/>).
/// </summary>
public static class PageAccess
{
    public const string Policy = AccessPolicies.View;
}
