using System.Net;

namespace AnimeProgress.Web.Hosting.Edge;

/// <summary>One entry of <c>AnimeProgress:Network:TrustedProxies</c>: an address is a network of one.</summary>
internal static class TrustedProxy
{
    public static IPNetwork? Parse(string? entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            return null;
        }

        var text = entry.Trim();
        if (text.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.TryParse(text, out var network) ? network : null;
        }

        if (!IPAddress.TryParse(text, out var address))
        {
            return null;
        }

        // An IPv4 proxy may reach a dual-stack socket as ::ffff:a.b.c.d; the middleware compares mapped addresses as IPv4.
        return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
    }
}
