using System.Security.Cryptography;
using System.Text;

namespace AnimeProgress.IntegrationTests.Web.Notifications;

/// <summary>
/// The receiver's side of Standard Webhooks, written from docs/notifications.md and not from the app's code: decode the
/// secret after whsec_, HMAC-SHA256 over "id.timestamp.body", base64, compare with each "v1," signature in constant time.
/// </summary>
internal static class ReceiverSignature
{
    public static bool Verify(string secret, string id, string timestamp, string body, string signatures)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        return signatures.Split(' ').Any(s => s.StartsWith("v1,", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s[3..]), Encoding.ASCII.GetBytes(expected)));
    }
}
