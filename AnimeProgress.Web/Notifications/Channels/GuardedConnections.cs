using System.Net;
using System.Net.Sockets;
using AnimeProgress.Core.Notifications;

namespace AnimeProgress.Web.Notifications.Channels;

/// <summary>
/// Opens every outbound connection of the notification channels (HTTP and SMTP) to an address the
/// <see cref="DestinationPolicy"/> allows, checked after the name is resolved, so DNS cannot turn an allowed or public
/// name into an internal address.
/// </summary>
public sealed class GuardedConnections(DestinationPolicy policy)
{
    public async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(a => policy.Allows(host, a)).ToArray();
        if (allowed.Length == 0)
        {
            throw DestinationRefusedException.For(host, addresses);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, port, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The HTTP handler: connections through the guard, no proxy (it would connect for us), no redirects followed.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, cancellationToken) =>
            new NetworkStream(await ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken), ownsSocket: true),
    };
}
