using Microsoft.AspNetCore.Diagnostics;

namespace AnimeProgress.Web.Api.Access;

/// <summary>
/// In front of /api and /ws: refuses a missing or wrong access token (401, before any upgrade), and
/// makes every error a ProblemDetails. The app's status-code pages would otherwise turn an empty
/// 4xx into the HTML "not found" page, which a program cannot read.
/// </summary>
internal sealed partial class ApiGuardMiddleware(RequestDelegate next, AccessTokens tokens, ILogger<ApiGuardMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }

        if (tokens.Required && AccessTokens.HasRefusedQueryToken(context.Request))
        {
            LogUnauthorized(context.Request.Path, context.Connection.RemoteIpAddress?.ToString(), "access_token in the query string of a REST request");
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await TypedResults.Problem(
                "The access_token query parameter is accepted only on /ws (a browser's WebSocket cannot send headers). Send the token to /api as 'Authorization: Bearer <token>'.",
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Access token in the URL").ExecuteAsync(context);
            return;
        }

        if (!tokens.IsAuthorized(context.Request))
        {
            var presented = context.Request.Headers.Authorization.Count > 0 || context.Request.Query.ContainsKey("access_token");
            LogUnauthorized(context.Request.Path, context.Connection.RemoteIpAddress?.ToString(), presented ? "invalid token" : "no token");
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await TypedResults.Problem(
                "Send a token of AnimeProgress:Api:Tokens as 'Authorization: Bearer <token>' (on /ws also '?access_token=<token>').",
                statusCode: StatusCodes.Status401Unauthorized,
                title: presented ? "Invalid access token" : "Access token required").ExecuteAsync(context);
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

    private static string? Detail(int status, HttpRequest request) => status switch
    {
        StatusCodes.Status404NotFound => $"No API endpoint at {request.Path}; see /openapi/v1.json.",
        StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not supported at {request.Path}.",
        StatusCodes.Status400BadRequest => "A query parameter has the wrong type.",
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "API request to {Path} from {RemoteAddress} refused: {Reason}")]
    private partial void LogUnauthorized(string path, string? remoteAddress, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "API request to {Path} failed")]
    private partial void LogFailed(Exception ex, string path);
}
