using System.Security.Claims;
using AnimeProgress.Web.Accounts;
using Microsoft.AspNetCore.Authorization;

namespace AnimeProgress.Web.Audit;

/// <summary>
/// What /admin/audit may do, checked here on the server for the user who asks (the page's policy is not the only
/// check): only an Admin (<see cref="AccessPolicies.Administer"/>) lists entries and reads or sets the retention.
/// A refused call throws <see cref="UnauthorizedAccessException"/> and changes nothing.
/// </summary>
public sealed class AuditAdministration(IAuthorizationService authorization, AuditQueries queries, AuditRetention retention)
{
    public async Task<AuditListing> ListAsync(ClaimsPrincipal user, AuditQuery query, int skip, int take, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        return await queries.ListAsync(query, skip, take, cancellationToken);
    }

    public async Task<int?> GetRetentionDaysAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        return await retention.GetDaysAsync(cancellationToken);
    }

    public async Task SetRetentionDaysAsync(ClaimsPrincipal user, int? days, string? clientAddress, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        await retention.SetDaysAsync(days, AuditActor.Of(user), clientAddress, cancellationToken);
    }

    private async Task DemandAdminAsync(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!(await authorization.AuthorizeAsync(user, AccessPolicies.Administer)).Succeeded)
        {
            throw new UnauthorizedAccessException("Only an Admin reads the audit log and sets its retention.");
        }
    }
}
