namespace AnimeProgress.Web.Keys;

/// <summary>Bound from <c>AnimeProgress:Keys</c>: how API keys are checked.</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "AnimeProgress:Keys";

    /// <summary>The longest a revoked key, an expiry or a locked owner can go unnoticed on a node that did not do the change.</summary>
    public static readonly TimeSpan MaxCacheDuration = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a checked key is remembered, so a busy script does not cost a database query per request. A revocation
    /// on this node takes effect at once; one made elsewhere (another node, the CLI) within this time. 0 to 30 s.
    /// </summary>
    public TimeSpan CacheDuration { get; set; } = MaxCacheDuration;
}
