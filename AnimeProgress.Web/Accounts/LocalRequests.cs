using System.Net;
using AnimeProgress.Web.Hosting.Edge;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Accounts;

/// <summary>
/// Whether a request comes from this machine, for the first-start rule. Read after the forwarded-headers middleware,
/// so behind a trusted proxy the address is the client's. A reverse proxy on the same host connects from loopback:
/// a request it passed on without <c>X-Forwarded-For</c> still shows the proxy's loopback address, and a visitor
/// anywhere would look local. So an address that is a trusted proxy never counts as local, forwarded or not (a
/// browser on the server itself, going through that proxy, uses the CLI or the app's own port instead).
/// </summary>
public sealed class LocalRequests(IOptions<NetworkOptions> network)
{
    private readonly IPNetwork[] _proxies = [.. network.Value.TrustedProxies.Select(TrustedProxy.Parse).OfType<IPNetwork>()];

    public bool IsLocal(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            // A Unix socket or an in-process host: local, unless a proxy may sit in front of it.
            return _proxies.Length == 0;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return IPAddress.IsLoopback(address) && !_proxies.Any(p => p.Contains(address));
    }
}
