using System.Net;
using System.Net.Sockets;

namespace AnimeProgress.Core.Notifications;

/// <summary>
/// Which addresses a channel may reach (no server-side request forgery through a webhook URL): public addresses
/// always; loopback, link-local, private, unique-local, shared (100.64/10) and unspecified addresses only when
/// <c>AnimeProgress:Notifications:AllowedDestinations</c> names the host or a range that holds the address. Checked on
/// the address a name resolves to at connect time, so DNS cannot turn an allowed name into a private address.
/// </summary>
public sealed class DestinationPolicy
{
    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IPNetwork> _networks = [];

    public DestinationPolicy(IEnumerable<string> allowed)
    {
        foreach (var entry in allowed.Select(a => a.Trim()).Where(a => a.Length > 0))
        {
            if (TryNetwork(entry, out var network))
            {
                _networks.Add(network);
            }
            else
            {
                _hosts.Add(entry);
            }
        }
    }

    /// <summary>True when the entry is a valid host name, address or CIDR range.</summary>
    public static bool IsValidEntry(string entry) =>
        TryNetwork(entry.Trim(), out _) || Uri.CheckHostName(entry.Trim()) is UriHostNameType.Dns;

    /// <summary>Whether the configuration names this host (for checks made before any address is known).</summary>
    public bool NamesHost(string host) => _hosts.Contains(host) || (IPAddress.TryParse(host, out var address) && _networks.Any(n => n.Contains(Normal(address))));

    /// <summary>Whether a connection to <paramref name="address"/>, resolved from <paramref name="host"/>, may be made.</summary>
    public bool Allows(string host, IPAddress address)
    {
        address = Normal(address);
        if (!IsInternal(address))
        {
            return true;
        }

        return _hosts.Contains(host.TrimEnd('.')) || _networks.Any(n => n.Contains(address));
    }

    /// <summary>Loopback, link-local, private, unique-local, shared, multicast or unspecified.</summary>
    public static bool IsInternal(IPAddress address)
    {
        address = Normal(address);
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10 || b[0] == 0 || b[0] >= 224
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127);
    }

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static bool TryNetwork(string entry, out IPNetwork network)
    {
        if (IPAddress.TryParse(entry, out var single))
        {
            single = Normal(single);
            network = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return IPNetwork.TryParse(entry, out network);
    }
}
