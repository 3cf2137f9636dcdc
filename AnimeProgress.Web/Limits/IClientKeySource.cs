namespace AnimeProgress.Web.Limits;

/// <summary>
/// The hook for knowing a client by something better than its address: returns a stable, non-secret key for a request
/// that proves who sent it (a valid access token, a signed-in user), or null.
/// Register more with <c>AddSingleton&lt;IClientKeySource, …&gt;</c>; the first that answers wins.
/// </summary>
public interface IClientKeySource
{
    string? KeyOf(HttpContext context);
}
