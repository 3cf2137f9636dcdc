using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Keys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;

namespace AnimeProgress.Web.Telemetry;

/// <summary>
/// Who may scrape <c>/metrics</c> on the app's own address: a key with scope <c>read</c> (what a Prometheus job is given)
/// or an Admin's session, which includes this machine at the first start (no account or key yet). A Viewer, an Operator
/// and an anonymous wall screen get 403, a request with no identity or a refused key 401. The numbers say how busy the
/// studio is and who watches: not for every screen on the wall.
/// </summary>
internal sealed partial class MetricsAccess(RequestDelegate next, IAuthorizationService authorization, ILogger<MetricsAccess> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // A refusal is a problem document for a program, not the HTML "not found" page the status-code pages would make.
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }

        if (await RefusalAsync(context) is { } refusal)
        {
            LogRefused(context.Connection.RemoteIpAddress?.ToString(), refusal.Status, refusal.Reason);
            if (refusal.Status == StatusCodes.Status401Unauthorized)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
            }

            await TypedResults.Problem(refusal.Reason, statusCode: refusal.Status, title: "Metrics not available to this caller").ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private async Task<(int Status, string Reason)?> RefusalAsync(HttpContext context)
    {
        var user = context.User;
        var key = ApiKeyIdentity.Of(user);
        if (key is null && ApiKeyRequests.SentAKey(context.Request))
        {
            return (StatusCodes.Status401Unauthorized, ApiKeyAuthenticationHandler.RefusedMessage);
        }

        if (key is not null)
        {
            if (!ApiKeyIdentity.HasScope(key, ApiScope.Read))
            {
                return (StatusCodes.Status403Forbidden, "This key does not have the 'read' scope that /metrics needs.");
            }

            return (await authorization.AuthorizeAsync(user, AccessPolicies.View)).Succeeded
                ? null
                : (StatusCodes.Status403Forbidden, "The key's account does not have a role that may read; a key never does more than its account.");
        }

        if (user.Identity?.IsAuthenticated != true)
        {
            return (StatusCodes.Status401Unauthorized,
                "Send a key with the 'read' scope as 'Authorization: Bearer <key>' (make one with 'keys add USER --scope read'), or sign in as an Admin.");
        }

        return (await authorization.AuthorizeAsync(user, AccessPolicies.Administer)).Succeeded
            ? null
            : (StatusCodes.Status403Forbidden, "Only an Admin's session or a key with the 'read' scope may read /metrics.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "/metrics request from {RemoteAddress} refused with {Status}: {Reason}")]
    private partial void LogRefused(string? remoteAddress, int status, string reason);
}
