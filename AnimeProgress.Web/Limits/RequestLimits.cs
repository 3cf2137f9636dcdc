namespace AnimeProgress.Web.Limits;

/// <summary>
/// Bound from <c>AnimeProgress:Limits:Requests</c>: what one client may ask of the app over HTTP (request bodies,
/// request rates, open /ws connections and dashboard circuits). A client is its access token where it presents a valid
/// one, else its address (<see cref="ClientIdentity"/>). Each refusal answers with a sentence naming the key to change.
/// </summary>
public sealed class RequestLimits
{
    public const string Section = "AnimeProgress:Limits:Requests";

    /// <summary>Largest body of <c>POST /api/jobs</c>; a larger one is refused with 413 before it is buffered.</summary>
    public long MaxSubmissionBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Requests to <c>/api</c> and <c>/ws</c> one client may make per <see cref="ApiWindow"/> (previews and submissions not counted here).</summary>
    public int ApiPermitsPerWindow { get; set; } = 600;

    public TimeSpan ApiWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Job submissions (<c>POST /api/jobs</c>) one client may make per <see cref="SubmissionWindow"/>.</summary>
    public int SubmissionPermitsPerWindow { get; set; } = 60;

    public TimeSpan SubmissionWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Sign-in attempts (<c>POST /account/login</c>) one client address may make per <see cref="SignInWindow"/>, right or
    /// wrong: lockout protects each account, this keeps one address from trying many accounts (password spraying).
    /// </summary>
    public int SignInPermitsPerWindow { get; set; } = 10;

    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Open <c>/ws</c> connections per client (<c>AnimeProgress:Api:MaxConnections</c> caps them all together).</summary>
    public int MaxSocketsPerClient { get; set; } = 20;

    /// <summary>Open dashboard connections (Blazor circuits, one per browser tab) per client.</summary>
    public int MaxCircuitsPerClient { get; set; } = 20;

    /// <summary>
    /// Loopback clients (and local transports without an address, such as a Unix socket) are not limited, so benchmarks
    /// and a reverse proxy on the same host keep working. Bodies stay capped for every client.
    /// </summary>
    public bool ExemptLoopback { get; set; } = true;
}
