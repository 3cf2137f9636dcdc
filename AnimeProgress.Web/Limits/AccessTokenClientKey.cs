using System.Security.Cryptography;
using System.Text;
using AnimeProgress.Web.Api.Access;

namespace AnimeProgress.Web.Limits;

/// <summary>
/// A request with a valid access token is that token's client, wherever it comes from. Only a valid one: otherwise
/// anyone could make up a fresh token per request and never be limited. The key is a short hash, never the token.
/// </summary>
internal sealed class AccessTokenClientKey(AccessTokens tokens) : IClientKeySource
{
    public string? KeyOf(HttpContext context)
    {
        if (!tokens.Required || !tokens.IsAuthorized(context.Request))
        {
            return null;
        }

        var presented = Presented(context.Request);
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return "token-" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    // The header first, as AccessTokens reads it: the value it accepted is the one hashed here.
    private static string? Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim()
            : request.Query["access_token"].ToString();
    }
}
