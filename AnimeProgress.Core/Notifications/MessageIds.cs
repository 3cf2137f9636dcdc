using System.Security.Cryptography;
using System.Text;

namespace AnimeProgress.Core.Notifications;

/// <summary>
/// The idempotency key a receiver sees (<c>webhook-id</c>, the e-mail's Message-ID): the same for every try of one
/// delivery, so a receiver that honours it acts once. A digest's key is its digest id.
/// </summary>
public static class MessageIds
{
    public static string ForDelivery(string eventId, string channel) => "msg_" + Hash(eventId + "\n" + channel);

    public static string ForDigest(string firstEventId, string channel) => "dg_" + Hash(firstEventId + "\n" + channel);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
