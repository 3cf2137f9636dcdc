using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Keys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;

namespace AnimeProgress.Web.Api.Access;

/// <summary>
/// In front of /api and /ws: refuses a missing or refused API key (401) or one without the scope or role the request
/// needs (403), before any upgrade; and
/// makes every error a ProblemDetails. The app's status-code pages would otherwise turn an empty
/// 4xx into the HTML "not found" page, which a program cannot read.
/// </summary>
internal sealed partial class ApiGuardMiddleware(
    RequestDelegate next, AccountPresence presence, IAuthorizationService authorization, AuditLog audit, ILogger<ApiGuardMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }

        if (AccessTokens.HasRefusedQueryToken(context.Request))
        {
            LogUnauthorized(context.Request.Path, context.Connection.RemoteIpAddress?.ToString(), "access_token in the query string of a REST request");
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await TypedResults.Problem(
                "The access_token query parameter is accepted only on /ws (a browser's WebSocket cannot send headers). Send the key to /api as 'Authorization: Bearer <key>'.",
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Access token in the URL").ExecuteAsync(context);
            return;
        }

        if (!await IsAllowedAsync(context))
        {
            return;
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            // Parameter binding failures (e.g. ?page=abc) throw in Development and set 400 otherwise.
            await TypedResults.Problem(ex.Message, statusCode: ex.StatusCode, title: "Bad request").ExecuteAsync(context);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            LogFailed(ex, context.Request.Path);
            await TypedResults.Problem("The server failed to answer; the error is logged.", statusCode: StatusCodes.Status500InternalServerError, title: "Server error")
                .ExecuteAsync(context);
            return;
        }

        var response = context.Response;
        if (!response.HasStarted && response.StatusCode >= 400 && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
        {
            await TypedResults.Problem(statusCode: response.StatusCode, detail: Detail(response.StatusCode, context.Request)).ExecuteAsync(context);
        }
    }

    /// <summary>
    /// The API's access rule (Web/Keys). While no account and no key exists (the first start) the API is open, as it
    /// always was without tokens. From then on a request needs a key (a sign-in cookie is not one): the key's scope must
    /// cover the endpoint and its owner's role the matching policy, else 403. A key that was sent and refused is a 401
    /// whose message does not say whether the key exists.
    /// </summary>
    private async Task<bool> IsAllowedAsync(HttpContext context)
    {
        var request = context.Request;
        var from = context.Connection.RemoteIpAddress?.ToString();
        var key = ApiKeyIdentity.Of(context.User);
        if (key is null && ApiKeyRequests.SentAKey(request))
        {
            LogUnauthorized(request.Path, from, "the key was refused");
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "API key not accepted", ApiKeyAuthenticationHandler.RefusedMessage);
            return false;
        }

        if (key is null)
        {
            if (await presence.IsFirstStartAsync(context.RequestAborted))
            {
                return true;
            }

            LogUnauthorized(request.Path, from, "no key");
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "API key required",
                "Send an API key as 'Authorization: Bearer <key>' (on /ws also '?access_token=<key>'). Make one on the keys page (/keys) or with 'keys add USER --scope read'.");
            return false;
        }

        var scope = ApiScopeEndpoints.Needed(context);
        var name = ApiScopes.Name(scope);
        if (!ApiKeyIdentity.HasScope(key, scope))
        {
            LogForbidden(request.Path, key.FindFirst(ApiKeyIdentity.KeyPrefixClaim)?.Value, $"the key lacks the {name} scope");
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "Scope missing", $"This key does not have the '{name}' scope this request needs; make a key with it.");
            return false;
        }

        if (!(await authorization.AuthorizeAsync(context.User, ApiScopeEndpoints.PolicyFor(context, scope))).Succeeded)
        {
            LogForbidden(request.Path, key.FindFirst(ApiKeyIdentity.KeyPrefixClaim)?.Value, $"its account's role does not allow {name}");
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "Role does not allow this",
                $"The key's account ({key.Name}) does not have a role that may {name}; a key never does more than its account.");
            return false;
        }

        return true;
    }

    private async Task RefuseAsync(HttpContext context, int status, string title, string detail)
    {
        // A refused audited action (a submission without the scope or role, or without a key) is recorded as refused.
        if (AuditedEndpoints.ActionOf(context) is { } action)
        {
            await audit.WriteAsync(new AuditEntry(
                AuditActor.Of(context.User), action, AuditOutcomes.Refused, null, $"{status} {title}", context.Connection.RemoteIpAddress?.ToString()));
        }

        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        await TypedResults.Problem(detail, statusCode: status, title: title).ExecuteAsync(context);
    }

    private static string? Detail(int status, HttpRequest request) => status switch
    {
        StatusCodes.Status404NotFound => $"No API endpoint at {request.Path}; see /openapi/v1.json.",
        StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not supported at {request.Path}.",
        StatusCodes.Status400BadRequest => "A query parameter has the wrong type.",
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "API request to {Path} from {RemoteAddress} refused: {Reason}")]
    private partial void LogUnauthorized(string path, string? remoteAddress, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "API request to {Path} with key {KeyPrefix} refused: {Reason}")]
    private partial void LogForbidden(string path, string? keyPrefix, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "API request to {Path} failed")]
    private partial void LogFailed(Exception ex, string path);
}
