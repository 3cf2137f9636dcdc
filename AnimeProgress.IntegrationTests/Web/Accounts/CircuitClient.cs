using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Limits;

namespace AnimeProgress.IntegrationTests.Web.Accounts;

/// <summary>A circuit's connection as Blazor's script opens one (negotiate, the WebSocket, the handshake) with a browser's cookie.</summary>
internal static class CircuitClient
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<OpenCircuit> OpenAsync(AppHost app, Browser browser)
    {
        using var negotiate = await browser.Http.PostAsync(new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null, Ct);
        Assert.True(negotiate.IsSuccessStatusCode, $"negotiate: {(int)negotiate.StatusCode}");
        var token = (await negotiate.Content.ReadFromJsonAsync<JsonObject>(Ct))!["connectionToken"]!.GetValue<string>();

        var socket = new ClientWebSocket();
        socket.Options.Cookies = browser.Cookies;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(Within);
        await socket.ConnectAsync(ClientAddresses.WebSocketUri(app.BaseAddress, "/_blazor", "id=" + Uri.EscapeDataString(token)), timeout.Token);
        await ClientAddresses.SendTextAsync(socket, "{\"protocol\":\"blazorpack\",\"version\":1}\u001e");
        var buffer = new byte[256];
        var answer = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(buffer, 0, answer.Count));
        return new OpenCircuit(socket, ClosedAsync(socket));
    }

    /// <summary>Completes when the server closes or drops the connection; anything else it sends is read and dropped.</summary>
    private static async Task ClosedAsync(ClientWebSocket socket)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (WebSocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }
}

/// <summary>An open circuit connection and what completes when the server ends it.</summary>
internal sealed record OpenCircuit(ClientWebSocket Socket, Task Closed);
