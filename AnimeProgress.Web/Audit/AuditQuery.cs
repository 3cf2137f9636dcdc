namespace AnimeProgress.Web.Audit;

/// <summary>The audit page's filters; each value given narrows the list, null means "any".</summary>
public sealed record AuditQuery
{
    /// <summary>Part of the actor's name or a key's prefix, any case.</summary>
    public string? Actor { get; init; }

    /// <summary>The action exactly (<see cref="AuditActions"/>).</summary>
    public string? Action { get; init; }

    /// <summary>ok, refused or failed.</summary>
    public string? Outcome { get; init; }

    /// <summary>At or after this moment.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Before this moment.</summary>
    public DateTimeOffset? To { get; init; }
}
