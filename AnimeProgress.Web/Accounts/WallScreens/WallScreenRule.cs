using System.Net;
using AnimeProgress.Web.Hosting.Edge;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Accounts.WallScreens;

/// <summary>
/// Whether a request that has not signed in may see the dashboard as a wall screen: the setting is on and the client
/// address (after the trusted-proxy step) is in one of the listed networks, or none is listed. As for the first start
/// (<see cref="LocalRequests"/>), a trusted proxy's own address never counts: a request it passed on without
/// <c>X-Forwarded-For</c> would otherwise let in whoever is behind it.
/// </summary>
public sealed partial class WallScreenRule
{
    private readonly IPNetwork[] _networks;
    private readonly IPNetwork[] _proxies;

    public WallScreenRule(IOptions<AccessOptions> access, IOptions<NetworkOptions> network, ILogger<WallScreenRule> logger)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(network);
        Enabled = AppRoles.Parse(access.Value.AnonymousRole) == AppRoles.Viewer;
        _networks = [.. access.Value.AnonymousNetworks.Select(TrustedProxy.Parse).OfType<IPNetwork>()];
        _proxies = [.. network.Value.TrustedProxies.Select(TrustedProxy.Parse).OfType<IPNetwork>()];
        if (Enabled)
        {
            LogEnabled(logger, _networks.Length == 0 ? "every address that reaches the app" : string.Join(", ", _networks));
        }
    }

    public bool Enabled { get; }

    public bool Allows(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Enabled)
        {
            return false;
        }

        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            // A Unix socket or an in-process host: no address to match a listed network with.
            return _networks.Length == 0 && _proxies.Length == 0;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (_proxies.Any(p => p.Contains(address)))
        {
            return false;
        }

        return _networks.Length == 0 || _networks.Any(n => n.Contains(address));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Wall screens: browsers that have not signed in see the dashboard as Viewer from {Networks} (AnimeProgress:Access:AnonymousRole)")]
    private static partial void LogEnabled(ILogger logger, string networks);
}
