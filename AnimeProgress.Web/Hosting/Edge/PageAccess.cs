using Microsoft.AspNetCore.Authorization;

namespace AnimeProgress.Web.Hosting.Edge;

/// <summary>
/// The one access rule of the dashboard's pages and of what they show outside the circuit (preview images).
/// Today the pages are open to whoever reaches the app (bind it to a trusted network); identity tightens this one
/// policy, and pages and previews change together.
/// </summary>
public static class PageAccess
{
    public const string Policy = "Pages";

    public static AuthorizationOptions AddPageAccess(this AuthorizationOptions options)
    {
        options.AddPolicy(Policy, p => p.RequireAssertion(_ => true));
        return options;
    }
}
