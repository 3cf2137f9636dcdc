namespace AnimeProgress.Web.Audit;

/// <summary>The audit action an endpoint performs, as endpoint metadata: lets the API's guard record a refusal of it.</summary>
public sealed record AuditedAction(string Action);

public static class AuditedEndpoints
{
    public static TBuilder Audited<TBuilder>(this TBuilder builder, string action)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new AuditedAction(action));

    public static string? ActionOf(HttpContext context) => context?.GetEndpoint()?.Metadata.GetMetadata<AuditedAction>()?.Action;
}
