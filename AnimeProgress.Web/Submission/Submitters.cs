using System.Security.Claims;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Keys;

namespace AnimeProgress.Web.Submission;

/// <summary>
/// The name a job records as its submitter (issue 14 item 11): the signed-in account's name, or for a key its owner's
/// name (a person's key, or the service account that owns a pipeline's key), so "My jobs" holds what a user submitted
/// by hand and by their own keys; <c>key:&lt;prefix&gt;</c> only if a key's owner has no name. Null when nobody is named:
/// the first start's local Admin and a wall screen are not accounts.
/// </summary>
public static class Submitters
{
    public const string KeyPrefix = "key:";

    public static string? Of(ClaimsPrincipal? user)
    {
        if (user is null || !SignedIn.IsAccount(user))
        {
            return null;
        }

        if (user.Identity?.Name is { Length: > 0 } name)
        {
            return name;
        }

        return ApiKeyIdentity.Of(user)?.FindFirst(ApiKeyIdentity.KeyPrefixClaim)?.Value is { Length: > 0 } prefix ? KeyPrefix + prefix : null;
    }
}
