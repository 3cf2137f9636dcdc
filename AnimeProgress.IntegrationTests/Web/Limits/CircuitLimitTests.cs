using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Api;

namespace AnimeProgress.IntegrationTests.Web.Limits;

/// <summary>
/// Per-client cap on dashboard circuits (AnimeProgress:Limits:Requests:MaxCircuitsPerClient): connections are opened as
/// Blazor's script opens them (negotiate, then the WebSocket to /_blazor with the SignalR handshake) and held open.
/// </summary>
public sealed class CircuitLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_client_at_the_cap_is_refused_at_negotiate_and_connect_and_another_client_is_not()
    {
        await using var app = ApiApps.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Limits:Requests:ExemptLoopback"] = "false",
            ["AnimeProgress:Limits:Requests:MaxCircuitsPerClient"] = "3",
        });
        var open = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                open.Add(await ClientAddresses.ConnectCircuitAsync(app, ClientAddresses.First));
            }

            using (var http = ClientAddresses.Http(app.BaseAddress, ClientAddresses.First))
            using (var negotiate = await http.PostAsync("/_blazor/negotiate?negotiateVersion=1", null, Ct))
            {
                var text = await negotiate.Content.ReadAsStringAsync(Ct);
                Assert.True(negotiate.StatusCode == HttpStatusCode.TooManyRequests, $"{(int)negotiate.StatusCode}: {text}");
                Assert.Equal(
                    "This client already has 3 dashboard tabs connected (Blazor circuits); close some, or raise AnimeProgress:Limits:Requests:MaxCircuitsPerClient.",
                    JsonNode.Parse(text)!["detail"]!.GetValue<string>());
            }

            // A connect that skipped negotiate (or raced it) is refused too.
            var (refused, status) = await ClientAddresses.OpenAsync(ClientAddresses.WebSocketUri(app.BaseAddress, "/_blazor", "id=anything"), ClientAddresses.First);
            Assert.Null(refused);
            Assert.Equal(HttpStatusCode.TooManyRequests, status);

            open.Add(await ClientAddresses.ConnectCircuitAsync(app, ClientAddresses.Second));
        }
        finally
        {
            await ClientAddresses.CloseAllAsync(open);
        }
    }

    [Fact]
    public async Task Loopback_is_exempt_by_default()
    {
        await using var app = ApiApps.Start(new Dictionary<string, string?> { ["AnimeProgress:Limits:Requests:MaxCircuitsPerClient"] = "2" });
        var open = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                open.Add(await ClientAddresses.ConnectCircuitAsync(app, ClientAddresses.First));
            }
        }
        finally
        {
            await ClientAddresses.CloseAllAsync(open);
        }
    }
}
