using Microsoft.AspNetCore.Authorization;

namespace AnimeProgress.Web.Accounts;

/// <summary>
/// Every permission of the app as an authorization policy, in this one place: what needs which role. Endpoints,
/// pages and (later) circuit actions name a policy, never a role, so the server checks the same rule everywhere.
/// </summary>
public static class AccessPolicies
{
    /// <summary>See the dashboard: pages, the Blazor circuit (<c>/_blazor</c>) and preview images.</summary>
    public const string View = "view";

    /// <summary>Control jobs and queues (cancel, reorder; the actions arrive with the operators' issue).</summary>
    public const string Operate = "operate";

    /// <summary>Users, keys, settings and the audit log.</summary>
    public const string Administer = "administer";

    public static AuthorizationOptions AddAccessPolicies(this AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Roles include the ones below them, so each policy lists the roles that reach it.
        options.AddPolicy(View, p => p.RequireRole(AppRoles.Viewer, AppRoles.Operator, AppRoles.Admin));
        options.AddPolicy(Operate, p => p.RequireRole(AppRoles.Operator, AppRoles.Admin));
        options.AddPolicy(Administer, p => p.RequireRole(AppRoles.Admin));
        return options;
    }
}
