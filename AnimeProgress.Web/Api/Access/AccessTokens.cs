using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Api.Access;

/// <summary>
/// The optional access tokens of <c>AnimeProgress:Api:Tokens</c>. A browser's WebSocket cannot set
/// headers, so on /ws alone the <c>access_token</c> query parameter is taken too (request logs record the path
/// only, never the query). REST takes only the header: a token in a URL ends up in proxy logs and browser
/// history. Tokens are compared by their SHA-256, in constant time.
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
        return !string.IsNullOrEmpty(presented) && Matches(presented);
    }

    /// <summary>Whether <paramref name="presented"/> is one of the configured tokens.</summary>
    public bool Matches(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
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

        return AcceptsQueryToken(request) ? request.Query["access_token"].ToString() : null;
    }

    /// <summary>Only the WebSocket endpoint takes <c>?access_token=</c>.</summary>
    public static bool AcceptsQueryToken(HttpRequest request) => request.Path.StartsWithSegments("/ws", StringComparison.OrdinalIgnoreCase);

    /// <summary>A REST request carrying <c>?access_token=</c>, which is refused even when the token is right.</summary>
    public static bool HasRefusedQueryToken(HttpRequest request) => !AcceptsQueryToken(request) && request.Query.ContainsKey("access_token");
}
