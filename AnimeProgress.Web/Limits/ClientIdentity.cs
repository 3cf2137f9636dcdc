using System.Net;
using System.Net.Sockets;

namespace AnimeProgress.Web.Limits;

/// <summary>
/// Who a request comes from, for the per-client limits: a known key (an access token, a signed-in user) where the
/// request proves one, else its address after the forwarded-headers middleware has put the real client's there.
/// An IPv6 address counts by its /64, the block one machine can pick addresses from at will.
/// </summary>
/// <param name="Key">The partition: <c>key:…</c> or <c>address:…</c>; never a secret.</param>
/// <param name="IsLocal">Loopback, or a local transport without an address (a Unix socket, an in-process host).</param>
public readonly record struct ClientIdentity(string Key, bool IsLocal)
{
    public static ClientIdentity FromKey(string key, IPAddress? address) => new("key:" + key, IsLocalAddress(address));

    public static ClientIdentity FromAddress(IPAddress? address)
    {
        if (address is null)
        {
            return new ClientIdentity("address:local", IsLocal: true);
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !IPAddress.IsLoopback(address))
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new ClientIdentity("address:" + new IPAddress(bytes) + "/64", IsLocal: false);
        }

        return new ClientIdentity("address:" + address, IPAddress.IsLoopback(address));
    }

    private static bool IsLocalAddress(IPAddress? address) =>
        address is null || IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
