using System.Security.Claims;
using AnimeProgress.Web.Limits;

namespace AnimeProgress.Web.Keys;

/// <summary>
/// A request made with an accepted key is that key's client for the per-client limits, from whichever address: a
/// pipeline behind a shared NAT has its own budget. Only an accepted key counts (a made-up one stays its address).
/// </summary>
internal sealed class ApiKeyClientKey : IClientKeySource
{
    public string? KeyOf(HttpContext context) =>
        ApiKeyIdentity.Of(context.User)?.FindFirst(ApiKeyIdentity.KeyIdClaim)?.Value is { Length: > 0 } id ? "key-" + id : null;
}
