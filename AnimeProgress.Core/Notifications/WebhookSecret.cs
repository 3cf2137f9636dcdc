namespace AnimeProgress.Core.Notifications;

/// <summary>A Standard Webhooks signing secret: <c>whsec_</c> followed by base64 of the key's bytes.</summary>
public static class WebhookSecret
{
    public const string Prefix = "whsec_";

    public static bool TryDecode(string? secret, out byte[] key)
    {
        key = [];
        if (secret is null || !secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            key = Convert.FromBase64String(secret[Prefix.Length..]);
        }
        catch (FormatException)
        {
            return false;
        }

        return key.Length is >= 24 and <= 64;
    }

    /// <summary>A new random secret (the page offers one when an Admin adds a webhook).</summary>
    public static string Create() => Prefix + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
