using System.Security.Cryptography;
using System.Text;

namespace AnimeProgress.Web.Keys;

/// <summary>
/// The text of a key: <c>ap_&lt;prefix&gt;_&lt;secret&gt;</c>, a 12-hex-digit public prefix (names the key in lists
/// and logs, and finds its row) and 32 random bytes (256 bits) in base64url. Only the SHA-256 of the whole text is
/// stored. A fast hash is enough here, unlike for passwords: a slow hash only helps against guessing a low-entropy
/// secret from a stolen hash, and 256 random bits cannot be guessed either way.
/// </summary>
public static class ApiKeyText
{
    public const string Marker = "ap_";

    private const int PrefixLength = 12;
    private const int SecretBytes = 32;
    private const int SecretLength = 43; // base64url of 32 bytes, unpadded

    /// <summary>A new key and its prefix, from the operating system's cryptographic random source.</summary>
    public static (string Key, string Prefix) New()
    {
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(PrefixLength / 2));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));
        return ($"{Marker}{prefix}_{secret}", prefix);
    }

    /// <summary>A prefix for a key made from a configured token, whose text has none: never derived from the token.</summary>
    public static string NewImportedPrefix() => "cfg" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(PrefixLength / 2));

    /// <summary>The prefix of a key in this app's format, or null (a configured token, or anything else).</summary>
    public static string? PrefixOf(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        if (presented.Length != Marker.Length + PrefixLength + 1 + SecretLength
            || !presented.StartsWith(Marker, StringComparison.Ordinal)
            || presented[Marker.Length + PrefixLength] != '_')
        {
            return null;
        }

        var prefix = presented.Substring(Marker.Length, PrefixLength);
        return prefix.All(char.IsAsciiHexDigitLower) ? prefix : null;
    }

    public static byte[] Hash(string presented) => SHA256.HashData(Encoding.UTF8.GetBytes(presented));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
