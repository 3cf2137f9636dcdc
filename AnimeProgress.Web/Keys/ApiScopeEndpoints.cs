using AnimeProgress.Web.Accounts;

namespace AnimeProgress.Web.Keys;

/// <summary>The scope an API endpoint needs from a key, as endpoint metadata.</summary>
public sealed record RequiredApiScope(ApiScope Scope);

/// <summary>
/// Endpoint metadata: a control action a job's submitter may take on their own job without being an Operator (cancel,
/// retry; issue 14). The key still needs the <c>control</c> scope; the guard lets a Viewer's key through and the
/// handler decides per job.
/// </summary>
public sealed record SubmitterMayAct;

/// <summary>
/// Which scope a request to the API needs from a key, and which role its owner must have for it. An endpoint names its
/// scope (<see cref="RequireApiScope{TBuilder}"/>); without one, reading (GET, HEAD, /ws) needs <c>read</c> and anything
/// else <c>control</c>, so a new action is closed to read and submit keys until it says otherwise.
/// </summary>
public static class ApiScopeEndpoints
{
    public static TBuilder RequireApiScope<TBuilder>(this TBuilder builder, ApiScope scope)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequiredApiScope(scope));

    public static TBuilder AllowSubmitter<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new SubmitterMayAct());

    /// <summary>The policy a key's owner needs for this request: <see cref="PolicyFor(ApiScope)"/>, but View where the submitter may act.</summary>
    public static string PolicyFor(HttpContext context, ApiScope scope) =>
        scope == ApiScope.Control && context?.GetEndpoint()?.Metadata.GetMetadata<SubmitterMayAct>() is not null ? AccessPolicies.View : PolicyFor(scope);

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
