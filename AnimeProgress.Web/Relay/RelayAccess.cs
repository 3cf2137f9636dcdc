using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Keys;
using Microsoft.AspNetCore.Authorization;

namespace AnimeProgress.Web.Relay;

/// <summary>
/// Who may use the relay: an API key, never the dashboard's sign-in cookie (a page on another site could otherwise
/// make a signed-in browser submit or interrupt). Reading (GET, the socket) needs <c>read</c>; submitting and uploading
/// <c>submit</c>; acting on work <c>submit</c> for one's own prompts (the route decides) and <c>control</c> for anyone's;
/// any other write <c>control</c>. The key's account needs the role that goes with the scope, as on the API. While no
/// account and no key exists (the first start) the relay is open, like the API.
/// </summary>
public sealed partial class RelayAccess(AccountPresence presence, IAuthorizationService authorization, ILogger<RelayAccess> logger)
{
    public static ApiScope Needed(RelayRoute route, string method) => route.Kind switch
    {
        RelayRouteKind.Socket => ApiScope.Read,
        RelayRouteKind.Prompt or RelayRouteKind.ActOnWork => ApiScope.Submit,
        _ when HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) => ApiScope.Read,
        _ when route.Route.StartsWith("upload/", StringComparison.Ordinal) => ApiScope.Submit,
        _ => ApiScope.Control,
    };

    /// <summary>Whether the request may go on; if not, the refusal is written.</summary>
    public async Task<bool> AllowAsync(HttpContext context, ApiScope scope)
    {
        var key = ApiKeyIdentity.Of(context.User);
        var path = context.Request.Path.Value ?? "";
        if (key is null && ApiKeyRequests.SentAKey(context.Request))
        {
            LogRefused(path, "the key was refused");
            await RelayErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, ApiKeyAuthenticationHandler.RefusedMessage);
            return false;
        }

        if (key is null)
        {
            if (await presence.IsFirstStartAsync(context.RequestAborted))
            {
                return true;
            }

            LogRefused(path, "no key");
            await RelayErrors.WriteAsync(context, StatusCodes.Status401Unauthorized,
                "The relay needs an API key: send 'Authorization: Bearer <key>', or put it in the address as /comfyui/k/<key>/<instance>/ (see docs/relay.md). The dashboard's sign-in is not accepted here.");
            return false;
        }

        var name = ApiScopes.Name(scope);
        if (!ApiKeyIdentity.HasScope(key, scope))
        {
            LogRefused(path, $"the key lacks the {name} scope");
            await RelayErrors.WriteAsync(context, StatusCodes.Status403Forbidden, $"This key does not have the '{name}' scope this request needs; make a key with it.");
            return false;
        }

        if (!await MayAsync(context, scope))
        {
            LogRefused(path, $"its account's role does not allow {name}");
            await RelayErrors.WriteAsync(context, StatusCodes.Status403Forbidden, $"The key's account ({key.Name}) does not have a role that may {name}; a key never does more than its account.");
            return false;
        }

        return true;
    }

    /// <summary>Whether the request's key has the scope and its account the role for it (no answer written).</summary>
    public async Task<bool> MayAsync(HttpContext context, ApiScope scope)
    {
        if (ApiKeyIdentity.Of(context.User) is not { } key)
        {
            // Only reached on the first start, when the relay is open.
            return true;
        }

        return ApiKeyIdentity.HasScope(key, scope)
            && (await authorization.AuthorizeAsync(context.User, ApiScopeEndpoints.PolicyFor(scope))).Succeeded;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay request to {Path} refused: {Reason}")]
    private partial void LogRefused(string path, string reason);
}
