using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace AnimeProgress.IntegrationTests.Web.Limits;

/// <summary>
/// Clients from different addresses on one machine: every 127.x.y.z address is loopback on Linux, so a socket bound to
/// 127.0.0.2 reaches the app on 127.0.0.1 as another client would from another machine.
/// </summary>
internal static class ClientAddresses
{
    public static readonly IPAddress First = IPAddress.Parse("127.0.0.1");
    public static readonly IPAddress Second = IPAddress.Parse("127.0.0.2");

    public static SocketsHttpHandler Handler(IPAddress from) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public static HttpClient Http(Uri baseAddress, IPAddress from) => new(Handler(from)) { BaseAddress = baseAddress };

    /// <summary>Opens a WebSocket from <paramref name="from"/>: the open socket, or the HTTP status it was refused with.</summary>
    public static async Task<(ClientWebSocket? Socket, HttpStatusCode Status)> OpenAsync(Uri uri, IPAddress from)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        using var invoker = new HttpMessageInvoker(Handler(from));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await socket.ConnectAsync(uri, invoker, timeout.Token);
            return (socket, socket.HttpStatusCode);
        }
        catch (WebSocketException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            return (null, status);
        }
    }

    public static Uri WebSocketUri(Uri baseAddress, string path, string query = "") =>
        new UriBuilder(baseAddress) { Scheme = "ws", Path = path, Query = query }.Uri;

    public static async Task CloseAllAsync(IEnumerable<ClientWebSocket> sockets)
    {
        foreach (var socket in sockets)
        {
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            }
            catch (WebSocketException)
            {
            }

            socket.Dispose();
        }
    }

    public static Task SendTextAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);
}
