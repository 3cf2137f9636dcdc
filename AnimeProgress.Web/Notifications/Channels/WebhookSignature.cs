using System.Security.Cryptography;
using System.Text;

namespace AnimeProgress.Web.Notifications.Channels;

/// <summary>
/// Standard Webhooks signing: <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"&gt;</c>, keyed by the
/// secret's bytes (base64 after <c>whsec_</c>). A receiver computes the same and compares in constant time (docs/notifications.md).
/// </summary>
public static class WebhookSignature
{
    public static string Sign(byte[] key, string id, long timestamp, string body)
    {
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    /// <summary>What a receiver does: any of the space-separated signatures matches (constant-time compare).</summary>
    public static bool Verify(byte[] key, string id, long timestamp, string body, string header)
    {
        var expected = Encoding.ASCII.GetBytes(Sign(key, id, timestamp, body));
        return header.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(candidate => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate), expected));
    }
}
