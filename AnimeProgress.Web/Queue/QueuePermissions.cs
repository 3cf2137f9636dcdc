using System.Security.Claims;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Submission;
using Microsoft.AspNetCore.Authorization;

namespace AnimeProgress.Web.Queue;

/// <summary>
/// Who may act on the queue (issue 16 on issue 14's roles): an Operator (or Admin) on anything; a job's submitter on
/// their own job (cancel, retry); anyone while the app is at its first start (no account, no key: the API is open then).
/// The same rule for the REST API and the Queue page, checked on the server for every action.
/// </summary>
public sealed class QueuePermissions(IAuthorizationService authorization, AccountPresence presence)
{
    public async Task<bool> MayOperateAsync(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await authorization.AuthorizeAsync(user, AccessPolicies.Operate)).Succeeded || await presence.IsFirstStartAsync(cancellationToken);

    /// <summary>Operators, or the account (or its key) that submitted the job.</summary>
    public async Task<bool> MayActOnJobAsync(ClaimsPrincipal user, string? submittedBy, CancellationToken cancellationToken) =>
        await MayOperateAsync(user, cancellationToken) || IsSubmitter(user, submittedBy);

    public static bool IsSubmitter(ClaimsPrincipal user, string? submittedBy) =>
        submittedBy is not null && string.Equals(Submitters.Of(user), submittedBy, StringComparison.Ordinal);
}
