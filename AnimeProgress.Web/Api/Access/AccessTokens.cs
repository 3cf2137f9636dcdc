using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Api.Access;

/// <summary>
/// The optional access tokens of <c>AnimeProgress:Api:Tokens</c>. A browser's WebSocket cannot set
/// headers, so the <c>access_token</c> query parameter is taken too (request logs record the path
/// only, never the query). Tokens are compared by their SHA-256, in constant time.
/// </summary>
public sealed class AccessTokens(IOptions<ApiOptions> options)
{
    private readonly byte[][] _hashes = [.. options.Value.Tokens.Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t)))];

    public bool Required => _hashes.Length > 0;

    public bool IsAuthorized(HttpRequest request)
    {
        if (!Required)
        {
            return true;
        }

        var presented = Presented(request);
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var match = false;
        foreach (var known in _hashes)
        {
            // No early exit: the time taken does not tell which token, if any, matched.
            match |= CryptographicOperations.FixedTimeEquals(hash, known);
        }

        return match;
    }

    private static string? Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Query["access_token"].ToString();
    }
}
