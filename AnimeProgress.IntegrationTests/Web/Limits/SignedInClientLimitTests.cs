using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Accounts;

namespace AnimeProgress.IntegrationTests.Web.Limits;

/// <summary>A signed-in account is one client for the per-client limits, whichever address it comes from; two accounts on one address are two.</summary>
public sealed class SignedInClientLimitTests
{
    private const string Password = "a long enough password";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_accounts_circuits_count_together_across_addresses_and_apart_from_another_account_on_the_same_address()
    {
        await using var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Limits:Requests:ExemptLoopback"] = "false",
            ["AnimeProgress:Limits:Requests:MaxCircuitsPerClient"] = "1",
        });
        await Browser.AddUserAsync(app, "ada", "Admin", Password);
        await Browser.AddUserAsync(app, "vera", "Viewer", Password);
        using var ada = new Browser(app);
        using var vera = new Browser(app);
        await Eventually.True(() => ada.GetAsync("/").GetAwaiter().GetResult().StatusCode == HttpStatusCode.Found, TimeSpan.FromSeconds(20), "the accounts noticed");
        await ada.SignInOrFailAsync("ada", Password);
        await vera.SignInOrFailAsync("vera", Password);

        var open = new List<ClientWebSocket> { await ConnectCircuitAsync(app, ada.Cookies, ClientAddresses.First) };
        try
        {
            // Ada at her cap: from another address too (the key is her account, not where she is).
            Assert.Equal(HttpStatusCode.TooManyRequests, await NegotiateAsync(app, ada.Cookies, ClientAddresses.Second));
            Assert.Equal(HttpStatusCode.TooManyRequests, await NegotiateAsync(app, ada.Cookies, ClientAddresses.First));
            // Vera on Ada's address is her own client.
            open.Add(await ConnectCircuitAsync(app, vera.Cookies, ClientAddresses.First));
        }
        finally
        {
            await ClientAddresses.CloseAllAsync(open);
        }
    }

    private static async Task<HttpStatusCode> NegotiateAsync(AppHost app, CookieContainer cookies, IPAddress from)
    {
        using var http = new HttpClient(Handler(cookies, from)) { BaseAddress = app.BaseAddress };
        using var negotiate = await http.PostAsync(new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null, Ct);
        return negotiate.StatusCode;
    }

    private static SocketsHttpHandler Handler(CookieContainer cookies, IPAddress from)
    {
        var handler = ClientAddresses.Handler(from);
        handler.CookieContainer = cookies;
        handler.UseCookies = true;
        handler.AllowAutoRedirect = false;
        return handler;
    }

    /// <summary>A circuit as Blazor's script opens one: negotiate, then the WebSocket with the handshake, both with the sign-in cookie.</summary>
    private static async Task<ClientWebSocket> ConnectCircuitAsync(AppHost app, CookieContainer cookies, IPAddress from)
    {
        using var http = new HttpClient(Handler(cookies, from)) { BaseAddress = app.BaseAddress };
        using var negotiate = await http.PostAsync(new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null, Ct);
        Assert.True(negotiate.IsSuccessStatusCode, $"negotiate: {(int)negotiate.StatusCode}");
        var token = (await negotiate.Content.ReadFromJsonAsync<JsonObject>(Ct))!["connectionToken"]!.GetValue<string>();

        var socket = new ClientWebSocket();
        using var invoker = new HttpMessageInvoker(Handler(cookies, from));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(ClientAddresses.WebSocketUri(app.BaseAddress, "/_blazor", "id=" + Uri.EscapeDataString(token)), invoker, timeout.Token);
        await ClientAddresses.SendTextAsync(socket, "{\"protocol\":\"blazorpack\",\"version\":1}\u001e");
        var buffer = new byte[256];
        var answer = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(buffer, 0, answer.Count));
        return socket;
    }
}
