using AnimeProgress.Web.Api.Access;
using AnimeProgress.Web.Api.Rest;
using AnimeProgress.Web.Api.WebSockets;
using AnimeProgress.Web.Hosting.Registration;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Api;

/// <summary>The API for programs: the seed's WebSocket protocol at /ws, read-only REST under /api, the OpenAPI document.</summary>
public static class ApiRegistration
{
    public static IServiceCollection AddProgressApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ApiOptions, ApiOptionsValidator>(configuration, ApiOptions.Section);

        services.AddSingleton<AccessTokens>();
        services.AddSingleton<OriginPolicy>();
        services.AddSingleton<SnapshotFrameCache>();
        services.AddSingleton<ProgressSocketServer>();
        services.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "AnimeProgress API";
                document.Info.Description =
                    "Read-only access to jobs and ComfyUI instances. Live updates come over the WebSocket at /ws "
                    + "(the seed's protocol; see docs/api.md). When AnimeProgress:Api:Tokens is set, send a token as "
                    + "'Authorization: Bearer <token>' (/ws also takes '?access_token=<token>'). Errors are RFC 9457 problem details.";
                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static WebApplication MapProgressApi(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value;
        app.UseWhen(c => IsApiPath(c.Request.Path), branch => branch.UseMiddleware<ApiGuardMiddleware>());

        // The WebSocket middleware only in /ws's own pipeline (as SignalR does for its hubs): the dashboard's circuits keep their settings.
        var socketPipeline = ((IEndpointRouteBuilder)app).CreateApplicationBuilder();
        socketPipeline.UseWebSockets(new WebSocketOptions { KeepAliveInterval = options.KeepAliveInterval, KeepAliveTimeout = options.KeepAliveTimeout });
        socketPipeline.Run(context => context.RequestServices.GetRequiredService<ProgressSocketServer>().HandleAsync(context));
        app.Map("/ws", socketPipeline.Build()).WithDisplayName("WebSocket API (/ws)");

        var api = app.MapGroup("/api")
            .WithTags("AnimeProgress")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapJobEndpoints();
        api.MapInstanceEndpoints();
        // Anything else under /api is a ProblemDetails 404 (ApiGuardMiddleware), not the dashboard's HTML page.
        // The document is behind access like what it describes (issue 14): a key of an account that may view, a signed-in
        // account (or a wall screen), or this machine on the first start; anyone else gets a bare 401.
        app.MapOpenApi().RequireAuthorization(Accounts.AccessPolicies.View);
        return app;
    }

    private static bool IsApiPath(PathString path) =>
        (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) && !IsPreview(path))
        || path.StartsWithSegments("/ws", StringComparison.OrdinalIgnoreCase);

    // The dashboard shows previews with a plain <img>, which carries no token; the dashboard itself needs none either.
    private static bool IsPreview(PathString path) =>
        path.Value is { } value
        && value.EndsWith("/preview", StringComparison.OrdinalIgnoreCase)
        && value.StartsWith("/api/jobs/", StringComparison.OrdinalIgnoreCase);
}
