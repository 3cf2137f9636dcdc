using AnimeProgress.Web.Accounts;

namespace AnimeProgress.Web.Keys;

/// <summary>The scope an API endpoint needs from a key, as endpoint metadata.</summary>
public sealed record RequiredApiScope(ApiScope Scope);

/// <summary>
/// Which scope a request to the API needs from a key, and which role its owner must have for it. An endpoint names its
/// scope (<see cref="RequireApiScope{TBuilder}"/>); without one, reading (GET, HEAD, /ws) needs <c>read</c> and anything
/// else <c>control</c>, so a new action is closed to read and submit keys until it says otherwise.
/// </summary>
public static class ApiScopeEndpoints
{
    public static TBuilder RequireApiScope<TBuilder>(this TBuilder builder, ApiScope scope)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequiredApiScope(scope));

    public static ApiScope Needed(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiredApiScope>() is { } required)
        {
            return required.Scope;
        }

        var request = context.Request;
        return HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || request.Path.StartsWithSegments("/ws", StringComparison.OrdinalIgnoreCase)
            ? ApiScope.Read
            : ApiScope.Control;
    }

    /// <summary>Seeing and submitting need a Viewer (or above); control needs an Operator, as on the dashboard.</summary>
    public static string PolicyFor(ApiScope scope) => scope == ApiScope.Control ? AccessPolicies.Operate : AccessPolicies.View;
}
