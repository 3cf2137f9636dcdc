using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
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

    /// <summary>
    /// Opens a dashboard circuit's connection from <paramref name="from"/> as Blazor's script does (negotiate, then the
    /// WebSocket to /_blazor with the SignalR handshake), failing the test if any step is refused.
    /// </summary>
    public static async Task<ClientWebSocket> ConnectCircuitAsync(AnimeProgress.IntegrationTests.Support.AppHost app, IPAddress from)
    {
        using var http = Http(app.BaseAddress, from);
        using var negotiate = await http.PostAsync("/_blazor/negotiate?negotiateVersion=1", null, TestContext.Current.CancellationToken);
        Assert.True(negotiate.IsSuccessStatusCode, $"negotiate: {(int)negotiate.StatusCode} {await negotiate.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        var token = (await negotiate.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["connectionToken"]!.GetValue<string>();

        var (socket, status) = await OpenAsync(WebSocketUri(app.BaseAddress, "/_blazor", "id=" + Uri.EscapeDataString(token)), from);
        Assert.True(socket is not null, $"connect refused with {status}");
        await SendTextAsync(socket, "{\"protocol\":\"blazorpack\",\"version\":1}\u001e");
        var buffer = new byte[256];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var answer = await socket.ReceiveAsync(buffer, timeout.Token);
        // The SignalR handshake answer: an empty JSON object, no error.
        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(buffer, 0, answer.Count));
        return socket;
    }
}
